//! The meetings' paths and schemas in the OpenAPI document.

use serde_json::{Value, json};

use super::openapi::{id_param, with_errors};

pub fn document_openapi(doc: &mut Value) {
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let id = id_param();
    let sub = |name: &str| json!({"name": name, "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}});
    let ok = |d: &str, s: Value| {
        with_errors(
            json!({"200": {"description": d, "content": {"application/json": {"schema": s}}}}),
        )
    };
    let body =
        |s: &str| json!({"required": true, "content": {"application/json": {"schema": r(s)}}});
    let kinds = json!([
        "branch_general",
        "branch_committee",
        "party_group",
        "party_lecture",
        "theme_party_day",
        "org_life",
        "democratic_life",
        "league_general",
        "league_committee",
        "league_group",
        "league_lecture",
        "theme_league_day"
    ]);
    let detail = ok(
        "The meeting, its invitees (for ManageMeetings/ViewMembers) and files",
        r("MeetingDetail"),
    );
    let paths = json!({
        "/api/v1/meetings": {
            "get": {"tags": ["meetings"], "summary": "Meetings of the orgs in the caller's scope and those the caller is invited to, latest first (100)",
                "responses": ok("Meetings", json!({"type": "object", "properties": {"rows": {"type": "array", "items": r("Meeting")}}}))},
            "post": {"tags": ["meetings"], "summary": "Plan a meeting (ManageMeetings on the org; the kind must suit the org; invitees default to the org's members; each invitee with an account gets a notice; audited)",
                "requestBody": body("NewMeeting"),
                "responses": with_errors(json!({"201": {"description": "Planned", "content": {"application/json": {"schema": r("Meeting")}}}}))}},
        "/api/v1/meetings/compliance": {"get": {"tags": ["meetings"], "summary": "Required meetings against those held for an org's branches over a year, rolled up per child org, in detail for a branch; silent branches (ManageMeetings)",
            "parameters": [
                {"name": "org", "in": "query", "schema": {"type": "integer"}, "description": "Default: the first org of the caller's scope"},
                {"name": "year", "in": "query", "schema": {"type": "integer"}, "description": "Default: this year"}],
            "responses": ok("Compliance", r("Compliance"))}},
        "/api/v1/meetings/{id}": {"get": {"tags": ["meetings"], "summary": "One meeting (invitees, ManageMeetings or ViewMembers on its org)", "parameters": [id], "responses": detail}},
        "/api/v1/meetings/{id}/checkin": {"post": {"tags": ["meetings"], "summary": "Check the caller in with the code on the organiser's screen (current or previous 30-s window; open from 30 min before the start to the end; invitees only; late after the school's grace minutes; audited)",
            "parameters": [id], "requestBody": body("CheckinCode"),
            "responses": ok("Checked in", json!({"type": "object", "properties": {"status": {"type": "string", "enum": ["present", "late"]}, "already": {"type": "boolean"}}}))}},
        "/api/v1/meetings/{id}/checkin-code": {"get": {"tags": ["meetings"], "summary": "The current check-in code and the path a phone opens (ManageMeetings)", "parameters": [id],
            "responses": ok("Code", json!({"type": "object", "properties": {"code": {"type": "string"}, "path": {"type": "string"}, "seconds_left": {"type": "integer"}}}))}},
        "/api/v1/meetings/{id}/leave": {"post": {"tags": ["meetings"], "summary": "Ask for leave (an invitee, before the start; audited)", "parameters": [id],
            "requestBody": body("Reason"), "responses": detail.clone()}},
        "/api/v1/meetings/{id}/leave/{person}": {"post": {"tags": ["meetings"], "summary": "Approve or reject a pending leave request (ManageMeetings; not one's own; audited)",
            "parameters": [id, sub("person")], "requestBody": body("LeaveDecision"), "responses": detail.clone()}},
        "/api/v1/meetings/{id}/attendance/{person}": {"post": {"tags": ["meetings"], "summary": "Correct an invitee's attendance with a reason (ManageMeetings; audited with before and after)",
            "parameters": [id, sub("person")], "requestBody": body("Correction"), "responses": detail.clone()}},
        "/api/v1/meetings/{id}/minutes": {"post": {"tags": ["meetings"], "summary": "Record the minutes (rich text: script refused, the rest sanitised) and resolutions; marks the meeting held (ManageMeetings, once it has begun; audited)",
            "parameters": [id], "requestBody": body("MinutesInput"), "responses": detail.clone()}},
        "/api/v1/meetings/{id}/files": {"post": {"tags": ["meetings"], "summary": "Upload a photo or attachment (PDF, JPEG/PNG, docx by content; size limit a school setting, 10 MB by default; ManageMeetings; audited)",
            "parameters": [id], "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": with_errors(json!({"201": {"description": "Stored", "content": {"application/json": {"schema": r("MeetingFile")}}}}))}},
        "/api/v1/meetings/{id}/files/{file}": {"get": {"tags": ["meetings"], "summary": "Download a file (whoever may read the meeting)", "parameters": [id, sub("file")],
            "responses": with_errors(json!({"200": {"description": "The file", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}))}},
        "/api/v1/meetings/{id}/record.docx": {"get": {"tags": ["meetings"], "summary": "The 会议记录 as .docx (ManageMeetings; audited)", "parameters": [id],
            "responses": with_errors(json!({"200": {"description": "The record", "content": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"schema": {"type": "string", "format": "binary"}}}}}))}},
    });
    let tally = json!({"type": "object", "properties": {"due": {"type": "integer"}, "met": {"type": "integer"}, "missed": {"type": "integer"}, "no_quorum": {"type": "integer"}}});
    let schemas = json!({
        "Meeting": {"type": "object", "properties": {"id": {"type": "integer"}, "org_id": {"type": "integer"}, "kind": {"type": "string", "enum": kinds},
            "title": {"type": "string"}, "starts_at": {"type": "string", "format": "date-time"}, "ends_at": {"type": "string", "format": "date-time"},
            "held_on": {"type": "string", "format": "date"}, "place": {"type": "string", "nullable": true}, "online_link": {"type": "string", "nullable": true},
            "agenda": {"type": "string"}, "status": {"type": "string", "enum": ["planned", "held"]}, "invited": {"type": "integer"}, "attended": {"type": "integer"},
            "minutes": {"type": "string", "nullable": true, "description": "Sanitised HTML"}, "resolutions": {"type": "string", "nullable": true}}},
        "MeetingDetail": {"type": "object", "properties": {"meeting": r("Meeting"), "org_name": {"type": "string"},
            "mine": {"type": "object", "nullable": true, "description": "The caller's own invitation"},
            "attendees": {"type": "array", "items": {"type": "object", "properties": {"person_id": {"type": "integer"}, "name": {"type": "string"},
                "status": {"type": "string", "enum": ["invited", "present", "late", "absent", "leave"]}, "leave_status": {"type": "string", "nullable": true}}}},
            "files": {"type": "array", "items": r("MeetingFile")}}},
        "MeetingFile": {"type": "object", "properties": {"id": {"type": "integer"}, "kind": {"type": "string", "enum": ["photo", "attachment"]},
            "filename": {"type": "string"}, "content_type": {"type": "string"}, "size_bytes": {"type": "integer"}, "sha256": {"type": "string"}}},
        "NewMeeting": {"type": "object", "required": ["org_id", "kind", "title", "date", "start", "end"], "properties": {
            "org_id": {"type": "integer"}, "kind": {"type": "string", "enum": kinds}, "title": {"type": "string", "maxLength": 200},
            "date": {"type": "string", "format": "date", "description": "Beijing time"}, "start": {"type": "string", "example": "14:00"}, "end": {"type": "string", "example": "15:30"},
            "place": {"type": "string", "description": "Place or online_link (or both) required"}, "online_link": {"type": "string", "description": "http(s) only"},
            "agenda": {"type": "string"}, "invitees": {"type": "array", "items": {"type": "integer"}, "description": "Person ids; default every member of the org's subtree"}}},
        "CheckinCode": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}},
        "Reason": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "maxLength": 500}}},
        "LeaveDecision": {"type": "object", "required": ["decision"], "properties": {"decision": {"type": "string", "enum": ["approve", "reject"]}}},
        "Correction": {"type": "object", "required": ["status", "reason"], "properties": {"status": {"type": "string", "enum": ["present", "late", "absent", "leave"]},
            "reason": {"type": "string", "maxLength": 500}}},
        "MinutesInput": {"type": "object", "required": ["minutes"], "properties": {"minutes": {"type": "string", "description": "HTML (starting with a tag) or plain text"},
            "resolutions": {"type": "string"}, "host": {"type": "string"}, "recorder": {"type": "string"}}},
        "Compliance": {"type": "object", "properties": {"org_id": {"type": "integer"}, "year": {"type": "integer"}, "rules_version": {"type": "string"},
            "branches": {"type": "integer"}, "silent": {"type": "integer"}, "silent_days": {"type": "integer"}, "tally": tally, "percent": {"type": "integer", "nullable": true},
            "children": {"type": "array", "items": {"type": "object", "properties": {"org_id": {"type": "integer"}, "name": {"type": "string"}, "branches": {"type": "integer"}, "silent": {"type": "integer"}, "tally": tally}}},
            "branch": {"type": "object", "nullable": true, "description": "For a branch: each requirement with its source and its periods (met, no_quorum, missed, open, future)"}}},
    });
    for (target, add) in [
        ("paths", paths),
        ("components", json!({"schemas": schemas})),
    ] {
        super::dossier::merge(&mut doc[target], add);
    }
    if let Some(tags) = doc["tags"].as_array_mut() {
        tags.push(json!({"name": "meetings"}));
    }
}
