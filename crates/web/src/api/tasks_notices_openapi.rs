//! The OpenAPI description of plans, tasks and notices (added to `/api/openapi.json`).

use serde_json::{Value, json};

use super::openapi::{id_param, with_errors};

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn ok(d: &str, s: Value) -> Value {
    with_errors(json!({"200": {"description": d, "content": {"application/json": {"schema": s}}}}))
}

fn created(s: Value) -> Value {
    with_errors(
        json!({"201": {"description": "Created", "content": {"application/json": {"schema": s}}},
        "409": {"description": "The task or notice changed state (already submitted, reminded today, everyone has read)", "content": {"application/json": {"schema": r("Error")}}}}),
    )
}

fn sub(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}})
}

fn year() -> Value {
    json!({"name": "year", "in": "query", "required": false, "description": "Default: this year", "schema": {"type": "integer"}})
}

fn json_body(s: &str) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": r(s)}}})
}

fn paths() -> Value {
    let file = json!({"type": "string", "format": "binary", "description": "PDF, JPEG/PNG or .docx, decided from the bytes; the school's document size limit (10 MB by default)"});
    json!({
        "/api/v1/plans": {
            "get": {"tags": ["tasks"], "summary": "Yearly plans that concern the caller (set above or below the orgs they stand in)", "parameters": [year()], "responses": ok("Plans", json!({"type": "object", "properties": {"year": {"type": "integer"}, "rows": {"type": "array", "items": r("Plan")}}}))},
            "post": {"tags": ["tasks"], "summary": "Publish an org's goals for a year (ManagePlans on the org; audited)", "requestBody": json_body("NewPlan"), "responses": created(r("Plan"))}},
        "/api/v1/plans/{id}": {"get": {"tags": ["tasks"], "summary": "One plan with the tasks it was broken into (those in the caller's ManageTasks scope) and their completion", "parameters": [id_param()], "responses": ok("The plan", json!({"type": "object"}))}},
        "/api/v1/tasks": {
            "get": {"tags": ["tasks"], "summary": "My tasks, and the tasks counted in my ManageTasks scope", "responses": ok("Tasks", json!({"type": "object", "properties": {"mine": {"type": "array", "items": r("TaskLine")}, "managed": {"type": "array", "items": r("TaskLine")}}}))},
            "post": {"tags": ["tasks"], "summary": "Set a task for an org (a group, a branch) or a person (ManageTasks on the org it goes to; audited; the assignee is notified). A task of a plan is due within the plan's year, below the plan's org", "requestBody": json_body("NewTask"), "responses": created(r("Task"))}},
        "/api/v1/tasks/{id}": {"get": {"tags": ["tasks"], "summary": "One task with its results (the assignee, or ManageTasks on its org)", "parameters": [id_param()], "responses": ok("The task", json!({"type": "object"}))}},
        "/api/v1/tasks/{id}/results": {"post": {"tags": ["tasks"], "summary": "Submit a result: text and/or a file (the assignee only; audited with the file's sha256). Someone else gets a 422 naming the assignee field",
            "parameters": [id_param()], "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"body": {"type": "string", "maxLength": 5000}, "file": file}}}}},
            "responses": created(json!({"type": "object"}))}},
        "/api/v1/tasks/{id}/return": {"post": {"tags": ["tasks"], "summary": "Send a submitted result back with a comment (ManageTasks on the task's org; audited)", "parameters": [id_param()],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["comment"], "properties": {"comment": {"type": "string"}}}}}},
            "responses": ok("Returned", json!({"type": "object"}))}},
        "/api/v1/tasks/{id}/files/{file}": {"get": {"tags": ["tasks"], "summary": "A file of one of the task's results, as an attachment", "parameters": [id_param(), sub("file")],
            "responses": with_errors(json!({"200": {"description": "The file", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}))}},
        "/api/v1/orgs/{id}/task-progress": {"get": {"tags": ["tasks"], "summary": "Completion of the tasks due in a year under the org and each of its sub-orgs, rolled up the tree (ManageTasks on the org)",
            "parameters": [id_param(), year()], "responses": ok("Progress", r("TaskProgress"))}},
        "/api/v1/notices": {
            "get": {"tags": ["notices"], "summary": "Notices sent to me (with whether I read each) and, for PublishNotices holders, those published in their scope with read counts", "responses": ok("Notices", json!({"type": "object"}))},
            "post": {"tags": ["notices"], "summary": "Publish a notice from an org to orgs of its subtree, to everyone there or to holders of chosen roles (PublishNotices on the org; audited). Recipients are fixed now and notified in-app, by e-mail when [smtp] is configured, and through the SMS/WeChat sender",
                "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["org_id", "title", "body"], "properties": {
                    "org_id": {"type": "integer"}, "title": {"type": "string", "maxLength": 100}, "body": {"type": "string", "maxLength": 5000},
                    "targets": {"type": "string", "description": "Org ids, repeated or comma-separated; default: the publishing org"},
                    "roles": {"type": "string", "description": "Role codes, repeated or comma-separated; default: everyone"},
                    "pinned": {"type": "boolean"}, "file": file}}}}},
                "responses": created(json!({"type": "object", "properties": {"id": {"type": "integer"}, "recipients": {"type": "integer"}}}))}},
        "/api/v1/notices/{id}": {"get": {"tags": ["notices"], "summary": "One notice. A recipient's first opening records the read receipt; the publishing tier also gets the receipts", "parameters": [id_param()], "responses": ok("The notice", r("Notice"))}},
        "/api/v1/notices/{id}/receipts": {"get": {"tags": ["notices"], "summary": "Who has and has not read (PublishNotices on the publishing org)", "parameters": [id_param()], "responses": ok("Receipts", json!({"type": "object"}))}},
        "/api/v1/notices/{id}/remind": {"post": {"tags": ["notices"], "summary": "Remind everyone who has not read, at most once a day (PublishNotices; audited)", "parameters": [id_param()], "responses": created(json!({"type": "object", "properties": {"reminded": {"type": "integer"}}}))}},
        "/api/v1/notices/{id}/files/{file}": {"get": {"tags": ["notices"], "summary": "A document of the notice, as an attachment", "parameters": [id_param(), sub("file")],
            "responses": with_errors(json!({"200": {"description": "The file", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}))}},
        "/api/v1/me/email": {"post": {"tags": ["me"], "summary": "Set (or, empty, clear) my e-mail address for notices (audited)",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"email": {"type": "string"}}}}}},
            "responses": ok("Saved", json!({"type": "object", "properties": {"email": {"type": "string", "nullable": true}}}))}},
    })
}

fn schemas() -> Value {
    let progress = json!({"type": "object", "properties": {"total": {"type": "integer"}, "done": {"type": "integer"}, "overdue": {"type": "integer"}, "due_soon": {"type": "integer"},
        "percent": {"type": "integer", "nullable": true, "description": "Whole per cent rounded down; null with no tasks"}}});
    json!({
        "Plan": {"type": "object", "properties": {"id": {"type": "integer"}, "org_id": {"type": "integer"}, "year": {"type": "integer"}, "title": {"type": "string"}, "body": {"type": "string"}}},
        "NewPlan": {"type": "object", "required": ["org_id", "year", "title"], "properties": {"org_id": {"type": "integer"}, "year": {"type": "string", "example": "2026", "description": "Last, this or next year"}, "title": {"type": "string", "maxLength": 100}, "body": {"type": "string"}}},
        "Task": {"type": "object", "properties": {"id": {"type": "integer"}, "plan_id": {"type": "integer", "nullable": true}, "org_id": {"type": "integer"},
            "assignee_org_id": {"type": "integer", "nullable": true}, "assignee_person_id": {"type": "integer", "nullable": true}, "title": {"type": "string"},
            "due_on": {"type": "string", "format": "date"}, "status": {"type": "string", "enum": ["open", "submitted", "returned"]}}},
        "TaskLine": {"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"}, "due_on": {"type": "string"}, "status": {"type": "string"},
            "due_state": {"type": "string", "enum": ["done", "open", "due_soon", "overdue"]}, "assignee": {"type": "string"}, "org": {"type": "string"}}},
        "NewTask": {"type": "object", "required": ["title", "due_on"], "properties": {"plan_id": {"type": "integer"},
            "assignee_org_id": {"type": "integer", "description": "Either this…"}, "assignee_student_no": {"type": "string", "description": "…or this (学号/工号)"},
            "title": {"type": "string"}, "body": {"type": "string"}, "due_on": {"type": "string", "description": "Not before today; 2026-03-01, 2026.3.1 and 2026年3月1日 are accepted"}}},
        "TaskProgress": {"type": "object", "properties": {"org_id": {"type": "integer"}, "name": {"type": "string"}, "year": {"type": "integer"}, "total": progress,
            "rows": {"type": "array", "items": {"type": "object", "description": "One sub-org: org_id, name and the progress fields"}}}},
        "Notice": {"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"}, "body": {"type": "string"}, "org": {"type": "string"},
            "published_on": {"type": "string"}, "pinned": {"type": "boolean"}, "roles": {"type": "array", "items": {"type": "string"}}, "targets": {"type": "array", "items": {"type": "string"}},
            "read": {"type": "integer", "nullable": true}, "total": {"type": "integer", "nullable": true},
            "receipts": {"type": "array", "items": {"type": "object", "properties": {"user_id": {"type": "integer"}, "name": {"type": "string"}, "read_at": {"type": "string", "nullable": true}, "reminders": {"type": "integer"}}}}}},
    })
}

/// Adds the paths, schemas and tags.
pub fn document_openapi(doc: &mut Value) {
    if let (Some(map), Value::Object(add)) = (doc["paths"].as_object_mut(), paths()) {
        map.extend(add);
    }
    let schemas_map = doc["components"]["schemas"].as_object_mut();
    if let (Some(map), Value::Object(add)) = (schemas_map, schemas()) {
        map.extend(add);
    }
    if let Some(tags) = doc["tags"].as_array_mut() {
        tags.push(json!({"name": "tasks"}));
        tags.push(json!({"name": "notices"}));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_task_and_notice_route_is_documented() {
        let doc = super::super::openapi::document();
        for p in [
            "/api/v1/plans",
            "/api/v1/plans/{id}",
            "/api/v1/tasks",
            "/api/v1/tasks/{id}",
            "/api/v1/tasks/{id}/results",
            "/api/v1/tasks/{id}/return",
            "/api/v1/tasks/{id}/files/{file}",
            "/api/v1/orgs/{id}/task-progress",
            "/api/v1/notices",
            "/api/v1/notices/{id}",
            "/api/v1/notices/{id}/receipts",
            "/api/v1/notices/{id}/remind",
            "/api/v1/notices/{id}/files/{file}",
            "/api/v1/me/email",
        ] {
            assert!(doc["paths"].get(p).is_some(), "{p} is not documented");
        }
    }
}
