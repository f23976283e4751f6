//! `GET /api/openapi.json`: an OpenAPI 3.0 description of `/api/v1`, written by hand as one
//! `json!` value (no code generator: the API is small, and the document is reviewed like code).

use axum::Json;
use serde_json::{Value, json};

fn error_responses() -> Value {
    let e = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    json!({
        "400": {"description": "Bad request (unknown filter value, malformed JSON…)", "content": e["content"]},
        "401": {"description": "Not signed in, or the token is invalid or expired", "content": e["content"]},
        "403": {"description": "Signed in, but without the permission on this org", "content": e["content"]},
        "404": {"description": "No such record in this school", "content": e["content"]},
        "422": {"description": "Invalid fields (see error.fields)", "content": e["content"]},
    })
}

pub(crate) fn with_errors(ok: Value) -> Value {
    let mut r = error_responses();
    if let (Some(map), Some(ok)) = (r.as_object_mut(), ok.as_object()) {
        for (k, v) in ok {
            map.insert(k.clone(), v.clone());
        }
    }
    r
}

pub(crate) fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}})
}

fn json_ok(description: &str, schema: Value) -> Value {
    json!({"200": {"description": description, "content": {"application/json": {"schema": schema}}}})
}

fn member_filters() -> Value {
    let q = |name: &str, desc: &str, schema: Value| json!({"name": name, "in": "query", "required": false, "description": desc, "schema": schema});
    json!([
        q(
            "q",
            "Name (substring), student no. (prefix) or pinyin initials (prefix)",
            json!({"type": "string"})
        ),
        q(
            "org",
            "Only people whose Party or League org lies in this org's subtree",
            json!({"type": "integer", "format": "int64"})
        ),
        q(
            "status",
            "Political status",
            json!({"$ref": "#/components/schemas/PoliticalStatus"})
        ),
        q("grade", "Grade, e.g. 2023", json!({"type": "string"})),
        q("class", "Class name", json!({"type": "string"})),
        q(
            "sort",
            "Sort key",
            json!({"type": "string", "enum": ["student_no", "name", "grade", "status"], "default": "student_no"})
        ),
        q(
            "dir",
            "Sort direction",
            json!({"type": "string", "enum": ["asc", "desc"], "default": "asc"})
        ),
        q(
            "page",
            "1-based page; pages past the end are empty",
            json!({"type": "integer", "minimum": 1, "default": 1})
        ),
        q(
            "per_page",
            "Rows per page",
            json!({"type": "integer", "minimum": 1, "maximum": 200, "default": 50})
        ),
    ])
}

/// The pipeline board.
fn board_schemas(m: &mut serde_json::Map<String, Value>) {
    let counts = json!({"type": "object", "properties": {
        "org_id": {"type": "integer"}, "name": {"type": "string"},
        "by_status": {"type": "object", "description": "People per political status code (party_applicant, party_activist, development_target, probationary_member)", "additionalProperties": {"type": "integer"}},
        "near": {"type": "integer", "description": "Deadlines within the warning days (the daily job's last run)"},
        "overdue": {"type": "integer"}}});
    m.insert("PipelineBoard".into(), json!({"type": "object", "properties": {
        "org": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
        "total": counts.clone(),
        "rows": {"type": "array", "items": counts},
        "people": {"type": "array", "description": "For a branch (an org with no sub-orgs): its people in the pipeline",
            "items": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "political_status": {"type": "string"}, "step": {"type": "string"}}}}}}));
}

/// The 发展党员 pipeline's request and record.
fn pipeline_schemas(m: &mut serde_json::Map<String, Value>) {
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let step = json!({"type": "object", "properties": {
        "step": {"type": "string", "description": "Step code, e.g. submit_application, application_talk"},
        "number": {"type": "integer", "minimum": 1, "maximum": 25},
        "name": {"type": "string"}, "stage": {"type": "string"}, "stage_name": {"type": "string"},
        "on": {"type": "string", "format": "date"},
        "override_reason": {"type": "string", "nullable": true},
        "details": {"type": "object"}}});
    m.insert("PipelineStep".into(), step);
    m.insert(
        "PipelineRecord".into(),
        json!({"type": "object", "properties": {
            "person_id": {"type": "integer"},
            "steps": {"type": "array", "items": r("PipelineStep")},
            "next": {"type": "object", "nullable": true, "description": "The step to record next, what it needs and when it is due",
                "properties": {"step": {"type": "string"}, "needs": {"type": "array", "items": {"type": "string"}},
                    "due": {"type": "string", "format": "date", "nullable": true}}}}}),
    );
    m.insert(
        "RecordStep".into(),
        json!({"type": "object", "required": ["step", "on"], "properties": {
            "step": {"type": "string"}, "on": {"type": "string", "description": "Date; 2024-03-01, 2024.3.1 and 2024年3月1日 are accepted"},
            "cultivators": {"type": "array", "items": {"type": "integer"}, "description": "Person ids of the 培养联系人"},
            "introducers": {"type": "array", "items": {"type": "integer"}, "description": "Person ids of the 入党介绍人"},
            "training_days": {"type": "integer"}, "training_hours": {"type": "integer"},
            "entitled": {"type": "integer"}, "present": {"type": "integer"}, "yes": {"type": "integer"},
            "publicity_start": {"type": "string"}, "publicity_end": {"type": "string"}, "leaving_on": {"type": "string"},
            "override_reason": {"type": "string", "description": "Administrators only: records a step the rules refuse (audited)"}}}),
    );
}

/// The League's 发展团员 record and 推优入党.
fn league_schemas(m: &mut serde_json::Map<String, Value>) {
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let date = json!({"type": "string", "format": "date", "nullable": true});
    m.insert("LeagueStep".into(), json!({"type": "object", "properties": {
        "step": {"type": "string", "enum": ["submit_application", "application_talk", "decide_activist", "training", "decide_target", "assign_introducers", "branch_meeting", "approval", "oath"]},
        "number": {"type": "integer", "minimum": 1, "maximum": 9}, "name": {"type": "string"},
        "on": {"type": "string", "format": "date"}, "league_no": {"type": "string", "nullable": true, "description": "发展团员编号 (approval)"},
        "details": {"type": "object"}}}));
    m.insert("Recommendation".into(), json!({"type": "object", "properties": {
        "id": {"type": "integer"}, "person_id": {"type": "integer"}, "yes": {"type": "integer"}, "passed": {"type": "boolean"},
        "meeting_id": {"type": "integer"}, "org_id": {"type": "integer"}, "held_on": {"type": "string", "format": "date"},
        "valid_until": date, "decision": {"type": "string", "enum": ["accepted", "declined"], "nullable": true}, "decided_on": date,
        "decision_reason": {"type": "string", "nullable": true}}}));
    m.insert("RecommendationMeeting".into(), json!({"type": "object", "properties": {
        "id": {"type": "integer"}, "org_id": {"type": "integer"}, "held_on": {"type": "string", "format": "date"},
        "entitled": {"type": "integer"}, "present": {"type": "integer"},
        "members": {"type": "integer", "description": "The branch's members the quota was computed from"},
        "quota": {"type": "integer"}, "candidates": {"type": "array", "items": r("Recommendation")}}}));
    m.insert("LeagueRecord".into(), json!({"type": "object", "properties": {
        "person_id": {"type": "integer"}, "league_joined_on": date,
        "steps": {"type": "array", "items": r("LeagueStep")},
        "next": {"type": "object", "nullable": true, "properties": {"step": {"type": "string"}, "needs": {"type": "array", "items": {"type": "string"}}, "due": date}},
        "recommendations": {"type": "array", "items": r("Recommendation")}}}));
    m.insert("RecordLeagueStep".into(), json!({"type": "object", "required": ["step", "on"], "properties": {
        "step": {"type": "string"}, "on": {"type": "string", "description": "Date, not after today"},
        "class_hours": {"type": "integer", "description": "团课 hours (training)"},
        "introducers": {"type": "array", "items": {"type": "integer"}, "description": "Person ids of the 入团介绍人"},
        "entitled": {"type": "integer"}, "present": {"type": "integer"}, "yes": {"type": "integer"},
        "league_no": {"type": "string", "description": "发展团员编号; required at approval from 2017-01-01"}}}));
    m.insert("RecordRecommendationMeeting".into(), json!({"type": "object", "required": ["on", "entitled", "present", "candidates"], "properties": {
        "on": {"type": "string"}, "entitled": {"type": "integer"}, "present": {"type": "integer"},
        "candidates": {"type": "array", "items": {"type": "object", "required": ["person_id", "yes"], "properties": {
            "person_id": {"type": "integer"}, "yes": {"type": "integer"}}}}}}));
    m.insert("RecommendationDecision".into(), json!({"type": "object", "required": ["decision", "on"], "properties": {
        "decision": {"type": "string", "enum": ["accepted", "declined"]}, "on": {"type": "string"},
        "reason": {"type": "string", "maxLength": 500, "description": "Why not accepted: required with declined"}}}));
}

fn league_paths(paths: &mut Value) {
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let body = |name: &str| json!({"required": true, "content": {"application/json": {"schema": r(name)}}});
    let created = |name: &str| {
        with_errors(
            json!({"201": {"description": "Recorded", "content": {"application/json": {"schema": r(name)}}}}),
        )
    };
    paths["/api/v1/members/{id}/league"] = json!({
        "get": {"tags": ["league"], "summary": "The person's 发展团员 record, next step and 推优 recommendations (ViewMembers, or oneself)",
            "parameters": [id_param()], "responses": with_errors(json_ok("The record", r("LeagueRecord")))},
        "post": {"tags": ["league"], "summary": "Record the next 发展团员 step, checked against 《中国共产主义青年团发展团员工作细则》 (RecordPipeline on the person's League org; audited). A refusal is a 422 naming the rule.",
            "parameters": [id_param()], "requestBody": body("RecordLeagueStep"), "responses": created("LeagueStep")}});
    paths["/api/v1/orgs/{id}/recommendations"] = json!({
        "get": {"tags": ["league"], "summary": "A League branch's 推优大会 (meetings), or for a Party branch the passed recommendations of its people (recommendations) (ViewMembers)",
            "parameters": [id_param()], "responses": with_errors(json_ok("Meetings or recommendations", json!({"type": "object"})))},
        "post": {"tags": ["league"], "summary": "Record a 推优大会 of a League branch (RecordPipeline on it; audited). Refused (422) for quorum, quota or an ineligible candidate, naming the candidate and the rule.",
            "parameters": [id_param()], "requestBody": body("RecordRecommendationMeeting"), "responses": created("RecommendationMeeting")}});
    paths["/api/v1/recommendations/{id}/decision"] = json!({
        "post": {"tags": ["league"], "summary": "The candidate's Party branch accepts or declines a passed recommendation, once (RecordPipeline on the candidate's Party org; audited)",
            "parameters": [id_param()], "requestBody": body("RecommendationDecision"),
            "responses": with_errors(json!({
                "200": {"description": "Decided", "content": {"application/json": {"schema": r("Recommendation")}}},
                "409": {"description": "Already decided", "content": {"application/json": {"schema": r("Error")}}}}))}});
}

fn schemas() -> Value {
    let date = json!({"type": "string", "format": "date", "nullable": true});
    let opt = json!({"type": "string", "nullable": true});
    // One json! per schema: a single literal this size exceeds the macro recursion limit.
    let mut m = serde_json::Map::new();
    m.insert(
        "Error".into(),
        json!({
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["code", "message", "fields"], "properties": {
                "code": {"type": "string", "description": "Stable snake_case code, e.g. forbidden, not_found, invalid, unknown_status"},
                "message": {"type": "string", "description": "The code's text in the caller's language"},
                "fields": {"type": "array", "items": {"type": "object", "properties": {
                    "field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}
            }}}
        }));
    m.insert("PoliticalStatus".into(), json!({"type": "string", "enum": ["masses", "league_member", "party_applicant", "party_activist", "development_target", "probationary_member", "party_member"]}));
    m.insert("OrgKind".into(), json!({"type": "string", "enum": ["party_committee", "party_general_branch", "party_branch", "party_group", "league_committee", "league_general_branch", "league_branch"]}));
    m.insert("Org".into(), json!({
            "type": "object", "required": ["id", "tree", "kind", "code", "name", "depth", "status"],
            "properties": {
                "id": {"type": "integer", "format": "int64"},
                "tree": {"type": "string", "enum": ["party", "league"]},
                "kind": {"$ref": "#/components/schemas/OrgKind"},
                "code": {"type": "string"}, "name": {"type": "string"},
                "parent_id": {"type": "integer", "format": "int64", "nullable": true},
                "depth": {"type": "integer"}, "founded_on": date,
                "status": {"type": "string", "enum": ["active", "dissolved"]},
                "committee": {"type": "array", "description": "Only in GET /orgs/{id}", "items": {"type": "object", "properties": {
                    "title": {"type": "string", "enum": ["secretary", "deputy_secretary", "organisation", "propaganda", "discipline", "culture_sports", "member"]},
                    "person_id": {"type": "integer", "format": "int64"}, "person_name": {"type": "string"}, "started_on": {"type": "string", "format": "date"}}}}
            }
        }));
    m.insert("OrgList".into(), json!({"type": "object", "properties": {"rows": {"type": "array", "items": {"$ref": "#/components/schemas/Org"}}}}));
    m.insert("NewOrg".into(), json!({
            "type": "object", "required": ["kind", "code", "name"],
            "properties": {"kind": {"$ref": "#/components/schemas/OrgKind"}, "code": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,30}$"},
                "name": {"type": "string", "maxLength": 60}, "founded_on": {"type": "string", "format": "date"}}
        }));
    m.insert("MemberRow".into(), json!({
            "type": "object", "required": ["id", "student_no", "name", "political_status"],
            "properties": {
                "id": {"type": "integer", "format": "int64"}, "student_no": {"type": "string"}, "name": {"type": "string"},
                "gender": {"type": "string", "enum": ["male", "female"], "nullable": true},
                "political_status": {"$ref": "#/components/schemas/PoliticalStatus"},
                "college": opt, "grade": opt, "class_name": opt, "party_org_name": opt, "league_org_name": opt
            }
        }));
    m.insert("MemberPage".into(), json!({
            "type": "object", "required": ["rows", "total", "page", "per_page"],
            "properties": {"rows": {"type": "array", "items": {"$ref": "#/components/schemas/MemberRow"}},
                "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}}
        }));
    m.insert("Member".into(), json!({
            "type": "object", "description": "A person's record. Identity and phone numbers are always masked here.",
            "properties": {
                "id": {"type": "integer", "format": "int64"}, "student_no": {"type": "string"}, "name": {"type": "string"},
                "gender": opt, "ethnicity": opt, "birth_date": date, "id_card_masked": opt, "phone_masked": opt,
                "college": opt, "major": opt, "grade": opt, "class_name": opt,
                "political_status": {"$ref": "#/components/schemas/PoliticalStatus"},
                "league_joined_on": date, "party_applied_on": date, "activist_on": date, "target_on": date, "party_joined_on": date, "confirmed_on": date,
                "party_org": {"type": "object", "nullable": true, "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                "league_org": {"type": "object", "nullable": true, "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                "memberships": {"type": "array", "items": {"type": "object", "properties": {
                    "org_id": {"type": "integer"}, "org_name": {"type": "string"}, "tree": {"type": "string", "enum": ["party", "league"]},
                    "started_on": {"type": "string", "format": "date"}, "ended_on": date}}}
            }
        }));
    m.insert("Me".into(), json!({
            "type": "object",
            "properties": {"login": {"type": "string"}, "name": {"type": "string"}, "school": {"type": "string"},
                "person_id": {"type": "integer", "nullable": true},
                "roles": {"type": "array", "items": {"type": "object", "properties": {
                    "role": {"type": "string", "enum": ["member", "branch_committee", "branch_secretary", "organiser", "college_admin", "school_admin", "system_admin"]},
                    "org_id": {"type": "integer"}, "org_name": {"type": "string"}}}}}
        }));
    m.insert("TokenRequest".into(), json!({
            "type": "object", "required": ["login", "password", "name"],
            "properties": {"login": {"type": "string", "description": "学号/工号"}, "password": {"type": "string", "format": "password"},
                "school": {"type": "string", "description": "School code; the server's default school when absent"},
                "name": {"type": "string", "maxLength": 60, "description": "What the token is for"},
                "totp": {"type": "string", "description": "Current TOTP code; required for administrators (when the policy says so) and for anyone who has turned two-step verification on"}}
        }));
    m.insert("Token".into(), json!({
            "type": "object", "required": ["token", "token_type", "expires_at"],
            "properties": {"token": {"type": "string", "description": "rb_…; shown once, only its hash is stored"},
                "token_type": {"type": "string", "enum": ["Bearer"]}, "expires_at": {"type": "string", "format": "date-time"}}
        }));
    pipeline_schemas(&mut m);
    board_schemas(&mut m);
    league_schemas(&mut m);
    Value::Object(m)
}

/// The document itself.
pub fn document() -> Value {
    let mut doc = base_document();
    league_paths(&mut doc["paths"]);
    doc
}

fn base_document() -> Value {
    let r = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {
            "title": "RedBranch API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "红枝·智慧党团建 JSON API. Every call is limited to what the caller's roles allow on the org trees; error messages follow the caller's language (Accept-Language or ?lang=)."
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"cookie": []}],
        "tags": [{"name": "me"}, {"name": "orgs"}, {"name": "members"}, {"name": "pipeline"}, {"name": "league"}, {"name": "tokens"}, {"name": "health"}],
        "paths": {
            "/api/v1/me": {"get": {"tags": ["me"], "summary": "Who I am and my roles", "responses": with_errors(json_ok("The caller", r("Me")))}},
            "/api/v1/orgs": {"get": {
                "tags": ["orgs"], "summary": "The tops of the org subtrees the caller may see",
                "parameters": [{"name": "tree", "in": "query", "required": false, "schema": {"type": "string", "enum": ["party", "league"]}}],
                "responses": with_errors(json_ok("Visible roots", r("OrgList")))}},
            "/api/v1/orgs/{id}": {"get": {
                "tags": ["orgs"], "summary": "One org with its current committee (ViewOrg)", "parameters": [id_param()],
                "responses": with_errors(json_ok("The org", r("Org")))}},
            "/api/v1/orgs/{id}/children": {
                "get": {"tags": ["orgs"], "summary": "The org's direct sub-orgs (ViewOrg)", "parameters": [id_param()],
                    "responses": with_errors(json_ok("Sub-orgs", r("OrgList")))},
                "post": {"tags": ["orgs"], "summary": "Create a sub-org (ManageOrgs on the parent; audited)", "parameters": [id_param()],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": r("NewOrg")}}},
                    "responses": with_errors(json!({
                        "201": {"description": "Created", "content": {"application/json": {"schema": r("Org")}}},
                        "409": {"description": "Conflict", "content": {"application/json": {"schema": r("Error")}}}}))}
            },
            "/api/v1/members": {"get": {
                "tags": ["members"], "summary": "People in the caller's ViewMembers scope, filtered, sorted and paged",
                "parameters": member_filters(),
                "responses": with_errors(json_ok("One page", r("MemberPage")))}},
            "/api/v1/members/{id}": {"get": {
                "tags": ["members"], "summary": "One person's record (oneself, or ViewMembers on their Party or League org)",
                "parameters": [id_param()], "responses": with_errors(json_ok("The person", r("Member")))}},
            "/api/v1/members/{id}/pipeline": {
                "get": {"tags": ["pipeline"], "summary": "The person's 发展党员 record and the next step (ViewMembers, or oneself)",
                    "parameters": [id_param()], "responses": with_errors(json_ok("The record", r("PipelineRecord")))},
                "post": {"tags": ["pipeline"], "summary": "Record the next step, checked against 《中国共产党发展党员工作细则》 (RecordPipeline; audited). A refusal is a 422 whose fields name the rule and its article.",
                    "parameters": [id_param()],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": r("RecordStep")}}},
                    "responses": with_errors(json!({
                        "201": {"description": "Recorded", "content": {"application/json": {"schema": r("PipelineStep")}}},
                        "409": {"description": "Already recorded", "content": {"application/json": {"schema": r("Error")}}}}))}
            },
            "/api/v1/orgs/{id}/pipeline/board": {"get": {
                "tags": ["pipeline"], "summary": "The pipeline board of an org (ViewMembers): people per status and near/overdue deadlines, in total and per sub-org; for a branch, its people with their furthest step",
                "parameters": [id_param()], "responses": with_errors(json_ok("The board", r("PipelineBoard")))}},
            "/api/v1/tokens": {"post": {
                "tags": ["tokens"], "summary": "Exchange credentials for an API token valid 30 days (audited)",
                "security": [],
                "requestBody": {"required": true, "content": {"application/json": {"schema": r("TokenRequest")}}},
                "responses": with_errors(json!({
                    "201": {"description": "Issued", "content": {"application/json": {"schema": r("Token")}}},
                    "429": {"description": "Too many failed attempts from this address or for this account", "content": {"application/json": {"schema": r("Error")}}}}))}},
            "/healthz": {"get": {"tags": ["health"], "summary": "The process answers", "security": [],
                "responses": {"200": {"description": "ok", "content": {"text/plain": {"schema": {"type": "string", "example": "ok"}}}}}}},
            "/readyz": {"get": {"tags": ["health"], "summary": "The process and its database answer", "security": [],
                "responses": {
                    "200": {"description": "ready", "content": {"text/plain": {"schema": {"type": "string", "example": "ready"}}}},
                    "503": {"description": "database unavailable", "content": {"text/plain": {"schema": {"type": "string"}}}}}}}
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "rb_…", "description": "A token from POST /api/v1/tokens. Requests with it skip the CSRF check."},
                "cookie": {"type": "apiKey", "in": "cookie", "name": crate::session::SESSION_COOKIE, "description": "The browser session; unsafe methods also need the X-CSRF-Token header."}
            },
            "schemas": schemas()
        }
    });
    crate::pipeline::io_routes::document_paths(&mut doc);
    crate::discipline::document_paths(&mut doc);
    super::dossier::document_openapi(&mut doc);
    super::quiz_openapi::document_paths(&mut doc);
    super::matches::document_openapi(&mut doc);
    super::meetings_openapi::document_openapi(&mut doc);
    super::elections::document_openapi(&mut doc);
    super::links::document_openapi(&mut doc);
    super::points::document_openapi(&mut doc);
    super::mall::document_openapi(&mut doc);
    super::lessons::document_openapi(&mut doc);
    super::tasks_notices_openapi::document_openapi(&mut doc);
    doc
}

pub async fn openapi_json() -> Json<Value> {
    Json(document())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_reference_resolves() {
        let doc = document();
        let text = doc.to_string();
        for part in text.split("#/components/schemas/").skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(
                doc["components"]["schemas"].get(&name).is_some(),
                "missing schema {name}"
            );
        }
    }

    #[test]
    fn the_document_lists_every_api_route() {
        let doc = document();
        for p in [
            "/api/v1/me",
            "/api/v1/orgs",
            "/api/v1/orgs/{id}",
            "/api/v1/orgs/{id}/children",
            "/api/v1/members",
            "/api/v1/members/{id}",
            "/api/v1/members/{id}/pipeline",
            "/api/v1/orgs/{id}/pipeline/board",
            "/api/v1/tokens",
            "/api/v1/orgs/{id}/pipeline",
            "/api/v1/members/{id}/forms/{form}",
            "/api/v1/orgs/{id}/forms/{form}",
            "/api/v1/pipeline/import",
            "/api/v1/pipeline/bulk",
            "/api/v1/members/{id}/league",
            "/api/v1/orgs/{id}/recommendations",
            "/api/v1/recommendations/{id}/decision",
            "/api/v1/members/{id}/discipline",
            "/api/v1/members/{id}/discipline/{rec}/restore",
            "/api/v1/members/{id}/dossier",
            "/api/v1/members/{id}/documents",
            "/api/v1/members/{id}/documents/{doc}",
            "/api/v1/members/{id}/remarks",
            "/api/v1/members/{id}/remarks/{remark}/review",
            "/api/v1/members/{id}/thought-reports",
            "/api/v1/members/{id}/thought-reports/{report}/answer",
            "/api/v1/meetings",
            "/api/v1/meetings/compliance",
            "/api/v1/meetings/{id}",
            "/api/v1/meetings/{id}/checkin",
            "/api/v1/meetings/{id}/checkin-code",
            "/api/v1/meetings/{id}/leave",
            "/api/v1/meetings/{id}/leave/{person}",
            "/api/v1/meetings/{id}/attendance/{person}",
            "/api/v1/meetings/{id}/minutes",
            "/api/v1/meetings/{id}/files",
            "/api/v1/meetings/{id}/files/{file}",
            "/api/v1/meetings/{id}/record.docx",
            "/api/v1/elections",
            "/api/v1/elections/{id}/issue",
            "/api/v1/elections/{id}/ballots",
            "/api/v1/elections/{id}/receipts/{token}",
            "/api/v1/appraisals/{id}/decide",
            "/api/v1/points/me",
            "/api/v1/points/boards",
            "/api/v1/points/awards",
            "/api/v1/points/adjustments",
            "/api/v1/points/rules",
            "/api/v1/mall/items",
            "/api/v1/mall/items/{id}/redeem",
            "/api/v1/mall/redemptions/{id}",
            "/api/v1/weekly-lessons",
            "/api/v1/weekly-lessons/media",
            "/api/v1/courses/{id}/study",
            "/api/v1/weekly-lessons/{id}/answers",
            "/api/v1/weekly-lessons/{id}/participation",
            "/api/v1/weekly-lessons/{id}/pending",
            "/healthz",
            "/readyz",
        ] {
            assert!(doc["paths"].get(p).is_some(), "{p} is not documented");
        }
    }
}
