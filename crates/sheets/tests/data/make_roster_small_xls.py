"""Writes roster_small.xls, the project's own Excel 97–2003 test file (python3 -m pip install xlwt==1.3.0).

Layout: a merged title on row 1, the header on row 2, two people (one 学号 as text, one as a
number that lost its leading zero, dates as a date cell, an Excel serial and text), a blank row
and a totals row. Only invented people.
"""
import datetime
import os

import xlwt

book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("花名册")
sheet.write_merge(0, 0, 0, 4, "计算机学院学生名单（2025年10月）")
for col, header in enumerate(["学号", "姓名", "身份证号", "政治面貌", "入团时间"]):
    sheet.write(1, col, header)
date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
sheet.write(2, 0, "0121010101")
sheet.write(2, 1, "张三")
sheet.write(2, 2, "42010620040501002X")
sheet.write(2, 3, "共青团员")
sheet.write(2, 4, datetime.date(2019, 5, 4), date_style)
sheet.write(3, 0, 121010102)
sheet.write(3, 1, "李四")
sheet.write(3, 3, "团员")
sheet.write(3, 4, 43589)
sheet.write(5, 0, "合计 2人")
book.save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "roster_small.xls"))
