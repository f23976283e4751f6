//! Static assets, embedded in the binary and served under content-hashed names with an
//! immutable cache lifetime: a new build changes the names, so browsers never see stale files.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    name: &'static str,
    mime: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "app.css",
        mime: "text/css; charset=utf-8",
        body: include_bytes!("../../../assets/app.css"),
    },
    Asset {
        name: "app.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../assets/app.js"),
    },
    Asset {
        name: "study.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../assets/study.js"),
    },
    Asset {
        name: "htmx.min.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../assets/vendor/htmx.min.js"),
    },
    Asset {
        name: "match.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../assets/match.js"),
    },
    Asset {
        name: "ballot.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../../../assets/ballot.js"),
    },
];

struct Table {
    by_url_name: HashMap<String, &'static Asset>,
    url_of: HashMap<&'static str, String>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut by_url_name = HashMap::new();
        let mut url_of = HashMap::new();
        for a in ASSETS {
            let hash = hex::encode(&Sha256::digest(a.body)[..6]);
            let (stem, ext) = a.name.rsplit_once('.').unwrap_or((a.name, ""));
            let hashed = format!("{stem}.{hash}.{ext}");
            url_of.insert(a.name, format!("/assets/{hashed}"));
            by_url_name.insert(hashed, a);
        }
        Table {
            by_url_name,
            url_of,
        }
    })
}

/// The URL of an asset by its plain name (`app.css`).
pub fn url(name: &str) -> String {
    table()
        .url_of
        .get(name)
        .cloned()
        .unwrap_or_else(|| format!("/assets/{name}"))
}

pub async fn serve(Path(name): Path<String>) -> Response {
    match table().by_url_name.get(name.as_str()) {
        Some(a) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(a.mime)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            a.body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
