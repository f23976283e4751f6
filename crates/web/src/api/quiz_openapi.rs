//! The OpenAPI description of the question-bank, quiz and exam routes (issue #5), added to the
//! document by `openapi::document`.

use serde_json::{Value, json};

use super::openapi::{id_param, with_errors};

pub fn document_paths(doc: &mut Value) {
    let id = id_param();
    let obj = |d: &str| json!({"type": "object", "description": d});
    let ok = |d: &str| {
        with_errors(
            json!({"200": {"description": d, "content": {"application/json": {"schema": obj(d)}}}}),
        )
    };
    let created = |d: &str| {
        with_errors(
            json!({"201": {"description": d, "content": {"application/json": {"schema": obj(d)}}}}),
        )
    };
    let conflict = |d: &str, codes: &str| {
        let mut r = ok(d);
        r["409"] = json!({"description": format!("Refused: {codes}"), "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
        r
    };
    let body = |props: Value| json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": props}}}});
    let answers = json!({"answers": {"type": "array", "items": {"type": "object", "required": ["question_id"], "properties": {
        "question_id": {"type": "integer", "format": "int64"},
        "given": {"type": "array", "items": {"type": "string"}, "description": "Letters as shown (A, B…), 正确/错误 (or 对/错/√/×), or one text per blank"}}}}});
    let t = |tag: &str| json!([tag]);
    let paths = json!({
        "/api/v1/question-banks": {
            "get": {"tags": t("questions"), "summary": "Banks the caller authors (ManageQuestions) and published banks reaching them", "responses": ok("{rows: [{bank, questions}]}")},
            "post": {"tags": t("questions"), "summary": "Create a bank on an org (ManageQuestions there; audited)",
                "requestBody": body(json!({"org_id": {"type": "integer"}, "name": {"type": "string"}, "description": {"type": "string"}})), "responses": created("The bank")}},
        "/api/v1/question-banks/{id}": {"get": {"tags": t("questions"), "summary": "A bank with its question count and topics", "parameters": [id], "responses": ok("{bank, questions, topics}")}},
        "/api/v1/question-banks/{id}/questions": {
            "get": {"tags": t("questions"), "summary": "Questions with answers, 50 a page (authors only)", "parameters": [id, {"name": "page", "in": "query", "schema": {"type": "integer"}}], "responses": ok("{rows, total, page}")},
            "post": {"tags": t("questions"), "summary": "Add one question; the answer is read as the importer reads it; a duplicate is refused",
                "parameters": [id], "requestBody": body(json!({"kind": {"type": "string", "enum": ["single", "multiple", "judge", "fill"]}, "stem": {"type": "string"},
                    "options": {"type": "array", "items": {"type": "string"}}, "answer": {"type": "string"}, "explanation": {"type": "string"}, "topic": {"type": "string"}})),
                "responses": created("{id}")}},
        "/api/v1/question-banks/{id}/import": {"post": {"tags": t("questions"),
            "summary": "Import a 题库导入模板 or messy workbook (multipart `file`). Without commit=true: the report only. With it: all questions written (201) or, with any issue, none (422 with the report). Audited",
            "parameters": [id, {"name": "commit", "in": "query", "schema": {"type": "boolean"}}],
            "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": ok("{sheets, question_rows, valid, issues: [{sheet, row, column, message, code}], imported}")}},
        "/api/v1/question-banks/{id}/export.xlsx": {"get": {"tags": t("questions"), "summary": "The bank as a 题库导入模板 workbook (authors only)", "parameters": [id],
            "responses": with_errors(json!({"200": {"description": "xlsx", "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}}}))}},
        "/api/v1/question-banks/{id}/publish": {"post": {"tags": t("questions"), "summary": "Publish a bank (authors; audited)", "parameters": [id], "responses": conflict("{published}", "already_published, empty_bank")}},
        "/api/v1/quizzes": {
            "get": {"tags": t("quiz"), "summary": "The caller's latest rounds", "responses": ok("{rows}")},
            "post": {"tags": t("quiz"), "summary": "Start a round (or resume today's/this week's open one). Questions come without answers",
                "requestBody": body(json!({"mode": {"type": "string", "enum": ["daily", "weekly", "topic", "challenge"]}, "bank_id": {"type": "integer"}, "topic": {"type": "string"}})),
                "responses": conflict("The round: {id, mode, total, questions: [{id, kind, stem, options: [{label, text}], blanks}]}", "quiz_already_taken, no_questions")}},
        "/api/v1/quizzes/wrong-book": {"get": {"tags": t("quiz"), "summary": "The caller's wrong-answer book (错题本)", "responses": ok("{rows}")}},
        "/api/v1/quizzes/{id}": {"get": {"tags": t("quiz"), "summary": "One of the caller's rounds (marked once finished)", "parameters": [id], "responses": ok("The round")}},
        "/api/v1/quizzes/{id}/submit": {"post": {"tags": t("quiz"), "summary": "Hand a round in; answers only to its questions (422 otherwise); once (409)", "parameters": [id],
            "requestBody": body(answers.clone()), "responses": conflict("The marked round", "already_submitted")}},
        "/api/v1/quizzes/{id}/answer": {"post": {"tags": t("quiz"), "summary": "Answer the current question of a challenge; a mistake ends it", "parameters": [id],
            "requestBody": body(json!({"question_id": {"type": "integer"}, "given": {"type": "array", "items": {"type": "string"}}})), "responses": conflict("The round", "already_submitted")}},
        "/api/v1/exams": {
            "get": {"tags": t("exams"), "summary": "Exams the caller authors and published ones reaching them", "responses": ok("{rows}")},
            "post": {"tags": t("exams"), "summary": "Create an exam from a bank (ManageQuestions on the org; audited): fixed question_ids or random draws by kind and topic",
                "requestBody": body(json!({"org_id": {"type": "integer"}, "bank_id": {"type": "integer"}, "title": {"type": "string"}, "minutes": {"type": "integer"},
                    "max_attempts": {"type": "integer"}, "pass_percent": {"type": "integer"}, "credits": {"type": "string", "example": "1.5"}, "shuffle": {"type": "boolean"},
                    "question_ids": {"type": "array", "items": {"type": "integer"}},
                    "draws": {"type": "array", "items": {"type": "object", "properties": {"kind": {"type": "string"}, "topic": {"type": "string"}, "count": {"type": "integer"}}}}})),
                "responses": created("The exam (draft)")}},
        "/api/v1/exams/{id}": {"get": {"tags": t("exams"), "summary": "An exam and the caller's attempts", "parameters": [id], "responses": ok("{exam, my_attempts}")}},
        "/api/v1/exams/{id}/publish": {"post": {"tags": t("exams"), "summary": "Publish (authors; audited)", "parameters": [id], "responses": conflict("{published}", "already_published")}},
        "/api/v1/exams/{id}/attempts": {"post": {"tags": t("exams"), "summary": "Start the next attempt (or resume an open one in time); questions and options shuffled per person", "parameters": [id],
            "responses": conflict("The paper: {attempt_id, deadline_at, seconds_left, questions, total}", "no_attempts_left, attempt_in_progress")}},
        "/api/v1/exams/{id}/results": {"get": {"tags": t("exams"), "summary": "Every handed-in paper (authors only)", "parameters": [id], "responses": ok("{rows}")}},
        "/api/v1/exam-attempts/{id}": {"get": {"tags": t("exams"), "summary": "One of the caller's papers (marked once handed in)", "parameters": [id], "responses": ok("The paper")}},
        "/api/v1/exam-attempts/{id}/submit": {"post": {"tags": t("exams"), "summary": "Hand a paper in within the time limit (+30 s); marks it and records credits for a pass (audited)", "parameters": [id],
            "requestBody": body(answers), "responses": conflict("The marked paper", "already_submitted, time_over")}},
        "/api/v1/members/{id}/credits": {"get": {"tags": t("exams"), "summary": "A person's credits (学分): the person, or ViewMembers on their org", "parameters": [id], "responses": ok("{rows, total, total_tenths}")}},
    });
    if let (Some(all), Some(mine)) = (doc["paths"].as_object_mut(), paths.as_object()) {
        for (k, v) in mine {
            all.insert(k.clone(), v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_quiz_route_is_documented() {
        let doc = super::super::openapi::document();
        for p in [
            "/api/v1/question-banks",
            "/api/v1/question-banks/{id}/import",
            "/api/v1/quizzes/{id}/submit",
            "/api/v1/quizzes/{id}/answer",
            "/api/v1/exams/{id}/attempts",
            "/api/v1/exam-attempts/{id}/submit",
            "/api/v1/members/{id}/credits",
        ] {
            assert!(doc["paths"].get(p).is_some(), "{p} is not documented");
        }
    }
}
