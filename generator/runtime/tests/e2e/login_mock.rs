//! A local stand-in for SuperOffice's login service (wiremock): OpenID
//! Connect metadata and keys, the OAuth token endpoint, and
//! `PartnerSystemUser/Authenticate`, which checks the signed system token
//! with the partner app's public key and the timestamp's format, and
//! answers with JWTs signed by the checked-in test key of the "login
//! service" (`tests/fixtures/`).
//!
//! Shared by the `e2e` and `tracing` test binaries, each using part of it.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const PARTNER_KEY_PEM: &str = include_str!("../fixtures/partner-app.key.pem");
pub const PARTNER_KEY_PKCS8: &str = include_str!("../fixtures/partner-app.pkcs8.pem");
pub const PARTNER_KEY_XML: &str = include_str!("../fixtures/partner-app.key.xml");
pub const PARTNER_PUBLIC: &str = include_str!("../fixtures/partner-app.pub.pem");
const LOGIN_KEY: &str = include_str!("../fixtures/superoffice-login.key.pem");
const LOGIN_JWKS: &str = include_str!("../fixtures/superoffice-login.jwks.json");
pub const KID: &str = "test-login-key-1";

pub const CLIENT_ID: &str = "test-client";
pub const CLIENT_SECRET: &str = "secret-client";
pub const SYSTEM_TOKEN: &str = "secret-system-token";
pub const TENANT: &str = "Cust12345";

/// The claim prefix SuperOffice uses.
pub const CLAIM: &str = "http://schemes.superoffice.net/identity/";

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A JWT signed by the login service's test key, with `kid`.
pub fn signed(claims: &Value) -> String {
    signed_with(claims, Algorithm::RS256, Some(KID))
}

pub fn signed_with(claims: &Value, alg: Algorithm, kid: Option<&str>) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_string);
    let key = match alg {
        Algorithm::HS256 => EncodingKey::from_secret(b"a shared secret").expect("hmac key"),
        _ => EncodingKey::from_rsa_pem(LOGIN_KEY.as_bytes()).expect("login key"),
    };
    jsonwebtoken::encode(&header, claims, &key).expect("signs")
}

/// `header.payload.` with `alg: none`.
pub fn unsigned(claims: &Value) -> String {
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(claims)
    )
}

/// An `application/x-www-form-urlencoded` body's fields.
fn form(body: &[u8]) -> std::collections::BTreeMap<String, String> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| {
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(k), decode(v))
        })
        .collect()
}

/// Counts of what the login service was asked.
#[derive(Default)]
pub struct Asked {
    pub tickets: AtomicU32,
    pub refreshes: AtomicU32,
    pub keys: AtomicU32,
    /// The `code_challenge` of the authorize URL the test started with: the
    /// token endpoint gives tokens only for its code verifier.
    pub challenge: std::sync::Mutex<Option<String>>,
}

/// The redirect URI the test app is registered with.
pub const REDIRECT_URI: &str = "https://app.example/callback";

/// Whether `verifier` is the one `challenge` was made from (PKCE's S256:
/// unpadded base64url of the verifier's SHA-256).
fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == challenge
}

/// The metadata and the key set.
pub async fn mount_keys(server: &MockServer, asked: &Arc<Asked>) {
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/login/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issuer": base,
            "jwks_uri": format!("{base}/login/.well-known/jwks"),
            "authorization_endpoint": format!("{base}/login/common/oauth/authorize"),
            "token_endpoint": format!("{base}/login/common/oauth/tokens"),
        })))
        .mount(server)
        .await;
    let a = Arc::clone(asked);
    Mock::given(method("GET"))
        .and(path("/login/.well-known/jwks"))
        .respond_with(move |_: &Request| {
            a.keys.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(200).set_body_raw(LOGIN_JWKS, "application/json")
        })
        .mount(server)
        .await;
}

/// Checks a signed system token as SuperOffice does: `token.yyyyMMddHHmm.
/// signature`, the signature PKCS#1 v1.5 SHA-256 with the app's public
/// key, standard base64, the time within minutes of now.
pub fn check_signed_system_token(signed: &str) -> Result<(), String> {
    let mut parts = signed.rsplitn(3, '.');
    let (Some(sig), Some(stamp), Some(token)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("not token.stamp.signature".into());
    };
    if token != SYSTEM_TOKEN {
        return Err(format!("system token {token}"));
    }
    if stamp.len() != 12 || !stamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("stamp {stamp} is not yyyyMMddHHmm"));
    }
    let at = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d%H%M")
        .map_err(|e| format!("stamp {stamp}: {e}"))?
        .and_utc();
    if (chrono::Utc::now() - at).num_minutes().abs() > 5 {
        return Err("InvalidTimestamp".into());
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(sig)
        .map_err(|e| format!("signature not standard base64: {e}"))?;
    let as_jwt = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
    let key = DecodingKey::from_rsa_pem(PARTNER_PUBLIC.as_bytes()).expect("public key");
    let data = format!("{token}.{stamp}");
    match jsonwebtoken::crypto::verify(&as_jwt, data.as_bytes(), &key, Algorithm::RS256) {
        Ok(true) => Ok(()),
        _ => Err("the signature does not verify".into()),
    }
}

/// `PartnerSystemUser/Authenticate`: each good request gets a new ticket
/// (`secret-ticket-1`, `-2`, …) in a JWT; `token_for` may replace the JWT
/// (to send a bad one).
pub async fn mount_system_user(
    server: &MockServer,
    asked: &Arc<Asked>,
    token_for: impl Fn(&str, u32) -> Option<String> + Send + Sync + 'static,
) {
    let a = Arc::clone(asked);
    let server_for = ServerUri(server.uri());
    Mock::given(method("POST"))
        .and(path("/Login/api/PartnerSystemUser/Authenticate"))
        .respond_with(move |req: &Request| {
            let body: Value = req.body_json().unwrap_or(Value::Null);
            let refuse = |why: &str| {
                ResponseTemplate::new(200).set_body_json(json!({
                    "IsSuccessful": false, "Token": null, "ErrorMessage": why
                }))
            };
            if body["ApplicationToken"] != CLIENT_SECRET {
                return refuse("Unknown application");
            }
            if body["ContextIdentifier"] != TENANT || body["ReturnTokenType"] != "JWT" {
                return refuse("Bad request");
            }
            if let Err(why) =
                check_signed_system_token(body["SignedSystemToken"].as_str().unwrap_or_default())
            {
                return refuse(&why);
            }
            let n = a.tickets.fetch_add(1, Ordering::SeqCst) + 1;
            let token = token_for(&server_for.0, n).unwrap_or_else(|| {
                signed(&server_for.claims(json!({
                    format!("{CLAIM}ticket"): format!("7T:secret-ticket-{n}"),
                })))
            });
            ResponseTemplate::new(200).set_body_json(json!({
                "IsSuccessful": true, "Token": token, "ErrorMessage": ""
            }))
        })
        .mount(server)
        .await;
}

/// The mock's base URL, for building claims inside a responder.
#[derive(Clone)]
pub struct ServerUri(pub String);

impl ServerUri {
    fn claims(&self, extra: Value) -> Value {
        let mut c = json!({
            "iss": self.0,
            "sub": "system@example.com",
            "iat": now(),
            "exp": now() + 3600,
            format!("{CLAIM}ctx"): TENANT,
            format!("{CLAIM}webapi_url"): format!("{}/{TENANT}/api/", self.0),
        });
        if let (Value::Object(c), Value::Object(extra)) = (&mut c, extra) {
            c.extend(extra);
        }
        c
    }
}

/// The OAuth token endpoint: `good-code`, sent with the registered
/// redirect URI and the verifier of the test's code challenge, gets tokens
/// and an id_token; `grant_type=refresh_token` with `secret-refresh` gets a
/// new access token (`secret-access-2`, …) and no refresh token.
pub async fn mount_tokens(server: &MockServer, asked: &Arc<Asked>, expires_in: u64) {
    let a = Arc::clone(asked);
    let issuer = server.uri();
    Mock::given(method("POST"))
        .and(path("/login/common/oauth/tokens"))
        .respond_with(move |req: &Request| {
            let form = form(&req.body);
            let field = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
            if field("client_id") != CLIENT_ID || field("client_secret") != CLIENT_SECRET {
                return ResponseTemplate::new(401).set_body_json(json!({
                    "error": "invalid_client", "error_description": "Unknown client"
                }));
            }
            match field("grant_type") {
                "authorization_code" if field("redirect_uri") != REDIRECT_URI => {
                    ResponseTemplate::new(400).set_body_json(json!({
                        "error": "invalid_grant", "error_description": "redirect_uri does not match"
                    }))
                }
                "authorization_code"
                    if !a
                        .challenge
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .as_deref()
                        .is_some_and(|c| pkce_matches(field("code_verifier"), c)) =>
                {
                    ResponseTemplate::new(400).set_body_json(json!({
                        "error": "invalid_grant", "error_description": "PKCE verification failed"
                    }))
                }
                "authorization_code" if field("code") == "good-code" => {
                    let id_token = signed(&json!({
                        "iss": issuer,
                        "aud": CLIENT_ID,
                        "sub": "jdoe@example.com",
                        "iat": now(),
                        "exp": now() + 3600,
                        format!("{CLAIM}ctx"): TENANT,
                        format!("{CLAIM}webapi_url"): format!("{issuer}/{TENANT}/api/"),
                        format!("{CLAIM}netserver_url"): format!("{issuer}/{TENANT}/Remote/Services88/"),
                        format!("{CLAIM}system_token"): SYSTEM_TOKEN,
                    }));
                    ResponseTemplate::new(200).set_body_json(json!({
                        "token_type": "Bearer",
                        "access_token": "secret-access-1",
                        "expires_in": expires_in,
                        "refresh_token": "secret-refresh",
                        "id_token": id_token,
                    }))
                }
                "refresh_token" if field("refresh_token") == "secret-refresh" => {
                    let n = a.refreshes.fetch_add(1, Ordering::SeqCst) + 2;
                    ResponseTemplate::new(200).set_body_json(json!({
                        "token_type": "Bearer",
                        "access_token": format!("secret-access-{n}"),
                        "expires_in": 3600,
                    }))
                }
                _ => ResponseTemplate::new(400).set_body_json(json!({
                    "error": "invalid_grant", "error_description": "The code has expired"
                })),
            }
        })
        .mount(server)
        .await;
}
