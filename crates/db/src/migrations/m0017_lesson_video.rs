//! An uploaded video for the weekly lesson (issue #5 part 8), stored like course media.

ddl_migration!("m0017_lesson_video");

// The video's bytes are `course_media` chunks, as a course's are (ADR 0011): one storage, one
// range-serving path. `course_media.course_id` is NOT NULL and SQLite cannot relax that without
// rebuilding a table that other tables reference, so a school's lesson videos belong to one
// holder course (status `holder`, never listed or opened as a course); who may play a video is
// decided by the lesson that points at it. The index answers "which lesson is this media's?".
const UP: &str = r#"
ALTER TABLE weekly_lessons ADD COLUMN media_id BIGINT REFERENCES course_media(id);
CREATE INDEX weekly_lessons_media ON weekly_lessons (media_id)
"#;

// SQLite refuses to drop a column that carries a foreign key; down is for PostgreSQL (no test
// or command runs migrations down).
const DOWN: &str = r#"
DROP INDEX weekly_lessons_media;
ALTER TABLE weekly_lessons DROP COLUMN media_id
"#;
