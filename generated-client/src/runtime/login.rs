//! SuperOffice's login service, for the sign-in sources (the `oauth` and
//! `system-user` features): its requests, its OpenID Connect metadata and
//! signing keys, and the checks every token it signs must pass.
//!
//! A token is accepted only when it is signed with RS256 by a signing key
//! of the environment's key set (`alg: none`, HMAC, a key the set does not
//! hold or holds for another use or algorithm are refused; an unknown key
//! id fetches the set again, and again at most every
//! [`KEYS_REFETCH_AFTER`]; the set is fetched again after
//! [`KEYS_MAX_AGE`] in any case), is issued by the environment's login
//! host, is for the expected audience when there is one, and is neither
//! expired nor not yet valid (`exp`, `nbf`, with [`LEEWAY`] for clocks
//! that differ). For [`Environment::Sod`],
//! [`Stage`](Environment::Stage) and [`Online`](Environment::Online) every
//! URL involved is `https` on `superoffice.com`;
//! [`Environment::Custom`] points everything at a test server.
//!
//! A request to the login service is one attempt (by the
//! transport's rules), within [`LOGIN_TIMEOUT`]; a
//! failure is a [`SignInError`] naming the step and what SuperOffice said.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT};
use reqwest::{Method, Url};

use super::environment::Environment;
use super::error::{ApiError, Error, SignInError, SignInStep, TransportError};
use super::transport::{self, Failure, Prepared};
use super::url;

/// How long one request to the login service may take.
pub const LOGIN_TIMEOUT: Duration = Duration::from_secs(30);

/// The most bytes a login service answer may have.
const MAX_ANSWER: u64 = 1 << 20;

/// How far clocks may differ when a token's expiry is checked.
pub const LEEWAY: Duration = Duration::from_secs(60);

/// The least time between two fetches of the key set for tokens whose key
/// the set does not hold (so forged tokens cannot make every check a
/// fetch).
pub const KEYS_REFETCH_AFTER: Duration = Duration::from_secs(30);

/// How long a fetched key set is used before it is fetched again, even if
/// every key a token names is in it (so a key the service withdrew stops
/// being accepted).
pub const KEYS_MAX_AGE: Duration = Duration::from_secs(6 * 3600);

/// The prefix of SuperOffice's own claims.
const CLAIM: &str = "http://schemes.superoffice.net/identity/";

/// What a token the login service signed says, once checked.
#[derive(Clone)]
pub struct Claims {
    /// `sub`: who signed in.
    pub subject: Option<String>,
    /// `…/ctx`: the tenant, e.g. `Cust12345`.
    pub tenant: Option<String>,
    /// `…/webapi_url`: the tenant's REST base, e.g.
    /// `https://online2.superoffice.com/Cust12345/api/`.
    pub webapi_url: Option<String>,
    /// `…/netserver_url`: the tenant's NetServer base.
    pub netserver_url: Option<String>,
    /// When the token expires.
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// `…/system_token`: what a system user signs (never printed).
    system_token: Option<String>,
    /// `…/ticket`: a system user's credential ticket (never printed).
    ticket: Option<String>,
    all: serde_json::Map<String, serde_json::Value>,
}

impl Claims {
    fn from_map(all: serde_json::Map<String, serde_json::Value>) -> Self {
        let text = |name: &str| {
            all.get(name)
                .or_else(|| all.get(&format!("{CLAIM}{name}")))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        Claims {
            subject: text("sub"),
            tenant: text("ctx"),
            webapi_url: text("webapi_url"),
            netserver_url: text("netserver_url"),
            expires_at: all
                .get("exp")
                .and_then(|v| v.as_i64())
                .and_then(|s| chrono::DateTime::from_timestamp(s, 0)),
            system_token: text("system_token"),
            ticket: text("ticket"),
            all,
        }
    }

    /// `…/system_token`: the app's system token, which the system user
    /// flow signs (from an administrator's sign-in).
    pub fn system_token(&self) -> Option<&str> {
        self.system_token.as_deref()
    }

    /// `…/ticket`: a system user's credential ticket.
    pub fn ticket(&self) -> Option<&str> {
        self.ticket.as_deref()
    }

    /// Any claim, by its full name (`email`,
    /// `http://schemes.superoffice.net/identity/ctx`).
    pub fn claim(&self, name: &str) -> Option<&serde_json::Value> {
        self.all.get(name)
    }
}

/// Shows the claims but the system token and the ticket.
impl std::fmt::Debug for Claims {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "***");
        f.debug_struct("Claims")
            .field("subject", &self.subject)
            .field("tenant", &self.tenant)
            .field("webapi_url", &self.webapi_url)
            .field("netserver_url", &self.netserver_url)
            .field("expires_at", &self.expires_at)
            .field("system_token", &hidden(&self.system_token))
            .field("ticket", &hidden(&self.ticket))
            .finish_non_exhaustive()
    }
}

/// The key set, when it was fetched, and when a check last had it fetched
/// for a key it lacked.
#[derive(Default)]
struct Keys {
    set: Option<Arc<JwkSet>>,
    fetched: Option<Instant>,
    forced: Option<Instant>,
}

/// An environment's login service.
pub(crate) struct Login {
    environment: Environment,
    base: Url,
    http: reqwest::Client,
    keys: Mutex<Keys>,
    /// Held while the key set is fetched, so concurrent checks fetch once.
    fetching: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

impl Login {
    /// The login service of `environment`.
    pub fn new(environment: &Environment) -> Result<Self, Error> {
        let raw = environment.login_base();
        let base = url::api_root(raw).map_err(|why| {
            Error::Config(format!(
                "login service `{}`: {why}",
                url::without_userinfo(raw)
            ))
        })?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .https_only(base.scheme() == "https")
            .build()
            .map_err(|e| Error::Config(format!("the HTTP client: {e}")))?;
        Ok(Login {
            environment: environment.clone(),
            base,
            http,
            keys: Mutex::new(Keys::default()),
            fetching: tokio::sync::Mutex::new(()),
        })
    }

    /// The issuer of the tokens this service signs.
    pub fn issuer(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_string()
    }

    /// The URL of `path` (`/login/…`) on the login host.
    pub fn url(&self, path: &str) -> Result<Url, SignInError> {
        let joined = format!("{}{path}", self.base.as_str().trim_end_matches('/'));
        Url::parse(&joined)
            .map_err(|e| SignInError::new(SignInStep::Metadata, format!("login URL: {e}")))
    }

    /// A URL the service answered with, if it may be used: `https` on
    /// `superoffice.com` for SuperOffice's environments.
    fn trusted(&self, raw: &str, step: SignInStep) -> Result<Url, SignInError> {
        let u = Url::parse(raw).map_err(|e| {
            SignInError::new(
                step,
                format!("`{}` is not a URL: {e}", url::without_userinfo(raw)),
            )
        })?;
        match self.environment.trusted_domain() {
            Some(domain) if !url::https_within(&u, domain) => Err(SignInError::new(
                step,
                format!(
                    "`{}` is not an https URL on {domain}",
                    url::without_userinfo(raw)
                ),
            )),
            _ => Ok(u),
        }
    }

    /// POSTs a form (`application/x-www-form-urlencoded`) to `path`; the
    /// JSON object of a successful answer.
    #[cfg(feature = "oauth")]
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        step: SignInStep,
    ) -> Result<serde_json::Map<String, serde_json::Value>, SignInError> {
        let body = url::form_encode(form);
        let content = HeaderValue::from_static("application/x-www-form-urlencoded");
        self.send(
            Method::POST,
            self.url(path)?,
            Some((content, body.into_bytes())),
            step,
        )
        .await
    }

    /// POSTs JSON to `path`; the JSON object of a successful answer.
    #[cfg(feature = "system-user")]
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
        step: SignInStep,
    ) -> Result<serde_json::Map<String, serde_json::Value>, SignInError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| SignInError::new(step, format!("the request did not encode: {e}")))?;
        let content = HeaderValue::from_static("application/json; charset=utf-8");
        self.send(Method::POST, self.url(path)?, Some((content, bytes)), step)
            .await
    }

    /// One request, one attempt; the JSON object it answered with.
    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<(HeaderValue, Vec<u8>)>,
        step: SignInStep,
    ) -> Result<serde_json::Map<String, serde_json::Value>, SignInError> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let (content_type, body) = match body {
            Some((t, b)) => (Some(t), Some(bytes::Bytes::from(b))),
            None => (None, None),
        };
        let req = Prepared {
            method,
            url,
            headers: Cow::Owned(headers),
            authorization: None,
            content_type,
            body,
        };
        let answer =
            match transport::attempt(&self.http, &req, LOGIN_TIMEOUT, MAX_ANSWER, None).await {
                Ok(a) => a,
                Err(Failure::TimedOut) => {
                    let e = Error::Transport(TransportError::timed_out(LOGIN_TIMEOUT, 1));
                    return Err(SignInError::because(
                        step,
                        "the login service did not answer",
                        e,
                    ));
                }
                Err(Failure::Transport(e)) => {
                    let e = Error::Transport(TransportError::new(e, 1));
                    return Err(SignInError::because(
                        step,
                        "the login service did not answer",
                        e,
                    ));
                }
                Err(Failure::TooLarge(limit)) => {
                    let e = Error::TooLarge { limit };
                    return Err(SignInError::because(
                        step,
                        "the login service's answer is too large",
                        e,
                    ));
                }
                Err(Failure::Refused(e)) => {
                    return Err(SignInError::because(
                        step,
                        "the login service's answer was refused",
                        e,
                    ))
                }
            };
        if !answer.status.is_success() {
            let api = ApiError::new(answer.status.as_u16(), answer.body);
            let said = api
                .message()
                .map(|m| format!("the login service said no: {m}"))
                .unwrap_or_else(|| "the login service said no".into());
            return Err(SignInError::because(step, said, Error::Api(api)));
        }
        match serde_json::from_slice(&answer.body) {
            Ok(serde_json::Value::Object(map)) => Ok(map),
            _ => Err(SignInError::new(
                step,
                "the login service's answer is not a JSON object",
            )),
        }
    }

    /// The key set: the one kept, or fetched through the metadata's
    /// `jwks_uri`. `stale` is the set a check did not find its key in: it
    /// is fetched again unless it was fetched moments ago.
    async fn keys(&self, stale: Option<&Arc<JwkSet>>) -> Result<Arc<JwkSet>, SignInError> {
        let kept = |this: &Self| {
            let k = this.keys.lock().unwrap_or_else(PoisonError::into_inner);
            let fresh = match (stale, &k.set) {
                (None, Some(_)) => k.fetched.is_some_and(|t| t.elapsed() < KEYS_MAX_AGE),
                // Another check fetched a newer set meanwhile.
                (Some(old), Some(now)) if !Arc::ptr_eq(old, now) => true,
                (Some(_), Some(_)) => k.forced.is_some_and(|t| t.elapsed() < KEYS_REFETCH_AFTER),
                (_, None) => false,
            };
            fresh.then(|| k.set.clone()).flatten()
        };
        if let Some(set) = kept(self) {
            return Ok(set);
        }
        let _turn = self.fetching.lock().await;
        if let Some(set) = kept(self) {
            return Ok(set);
        }
        let metadata = self
            .send(
                Method::GET,
                self.url("/login/.well-known/openid-configuration")?,
                None,
                SignInStep::Metadata,
            )
            .await?;
        let jwks_uri = metadata
            .get("jwks_uri")
            .and_then(|v| v.as_str())
            .ok_or_else(|| {
                SignInError::new(SignInStep::Metadata, "the metadata has no `jwks_uri`")
            })?;
        let jwks_url = self.trusted(jwks_uri, SignInStep::Metadata)?;
        let keys = self
            .send(Method::GET, jwks_url, None, SignInStep::Keys)
            .await?;
        let set: JwkSet = serde_json::from_value(serde_json::Value::Object(keys)).map_err(|e| {
            SignInError::new(SignInStep::Keys, format!("the key set is not a JWKS: {e}"))
        })?;
        let set = Arc::new(set);
        let mut k = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        k.set = Some(Arc::clone(&set));
        k.fetched = Some(Instant::now());
        if stale.is_some() {
            k.forced = Some(Instant::now());
        }
        Ok(set)
    }

    /// Checks `token` (see the [module](self)) and gives its claims;
    /// `audience` is the client id an `id_token` must be for (`None`: the
    /// token names no audience to check).
    pub async fn validate(
        &self,
        token: &str,
        audience: Option<&str>,
    ) -> Result<Claims, SignInError> {
        let bad = |why: String| SignInError::new(SignInStep::Token, why);
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| bad(format!("not a token this client accepts (RS256 only): {e}")))?;
        if header.alg != Algorithm::RS256 {
            return Err(bad(format!(
                "signed with {:?}; only RS256 is accepted",
                header.alg
            )));
        }
        let kid = header.kid.as_deref();
        let mut set = self.keys(None).await?;
        let jwk = match find_key(&set, kid) {
            Some(k) => k.clone(),
            None => {
                set = self.keys(Some(&set)).await?;
                find_key(&set, kid).cloned().ok_or_else(|| {
                    bad(format!(
                        "signed with a key the login service does not publish (kid {})",
                        kid.unwrap_or("none")
                    ))
                })?
            }
        };
        let key = DecodingKey::from_jwk(&jwk)
            .map_err(|e| bad(format!("the published key is not usable: {e}")))?;
        let mut v = Validation::new(Algorithm::RS256);
        v.leeway = LEEWAY.as_secs();
        v.validate_nbf = true;
        v.set_issuer(&[self.issuer()]);
        match audience {
            Some(aud) => {
                v.set_audience(&[aud]);
                v.set_required_spec_claims(&["exp", "iss", "aud"]);
            }
            None => {
                v.validate_aud = false;
                v.set_required_spec_claims(&["exp", "iss"]);
            }
        }
        let data =
            jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(token, &key, &v)
                .map_err(|e| bad(format!("the token is not valid: {e}")))?;
        Ok(Claims::from_map(data.claims))
    }

    /// A URL a token's claims give (the tenant's `webapi_url`), if it may
    /// be called.
    pub fn trusted_api_url(&self, raw: &str) -> Result<Url, SignInError> {
        self.trusted(raw, SignInStep::Token)
    }
}

/// The RSA signing key of `kid`; with no `kid`, the set's only one. A key
/// published for another use (`use` other than `sig`) or another algorithm
/// (`alg` other than `RS256`) is never one.
fn find_key<'a>(set: &'a JwkSet, kid: Option<&str>) -> Option<&'a jsonwebtoken::jwk::Jwk> {
    use jsonwebtoken::jwk::{KeyAlgorithm, PublicKeyUse};
    let rsa = |k: &&jsonwebtoken::jwk::Jwk| {
        matches!(k.algorithm, AlgorithmParameters::RSA(_))
            && k.common
                .public_key_use
                .as_ref()
                .is_none_or(|u| *u == PublicKeyUse::Signature)
            && k.common
                .key_algorithm
                .is_none_or(|a| a == KeyAlgorithm::RS256)
    };
    match kid {
        Some(kid) => set.find(kid).filter(|k| rsa(k)),
        None => {
            let mut keys = set.keys.iter().filter(rsa);
            match (keys.next(), keys.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_by_their_superoffice_names_and_secrets_hidden() {
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
            "sub": "jdoe",
            "exp": 2000000000,
            "http://schemes.superoffice.net/identity/ctx": "Cust12345",
            "http://schemes.superoffice.net/identity/webapi_url": "https://online2.superoffice.com/Cust12345/api/",
            "http://schemes.superoffice.net/identity/system_token": "secret-system-token",
            "http://schemes.superoffice.net/identity/ticket": "secret-ticket",
        }))
        .expect("claims");
        let c = Claims::from_map(map);
        assert_eq!(c.tenant.as_deref(), Some("Cust12345"));
        assert_eq!(c.subject.as_deref(), Some("jdoe"));
        assert_eq!(c.system_token(), Some("secret-system-token"));
        assert_eq!(c.ticket(), Some("secret-ticket"));
        assert!(c.expires_at.is_some());
        let shown = format!("{c:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn login_hosts_and_issuers() {
        let l = Login::new(&Environment::Online).expect("login");
        assert_eq!(l.issuer(), "https://online.superoffice.com");
        assert!(l
            .trusted_api_url("https://online2.superoffice.com/Cust1/api/")
            .is_ok());
        assert!(l
            .trusted_api_url("https://evil.example/Cust1/api/")
            .is_err());
        assert!(l
            .trusted_api_url("http://online2.superoffice.com/Cust1/api/")
            .is_err());
        let custom = Login::new(&Environment::Custom("http://127.0.0.1:1".into())).expect("login");
        assert_eq!(custom.issuer(), "http://127.0.0.1:1");
        assert!(custom
            .trusted_api_url("http://127.0.0.1:2/Cust1/api/")
            .is_ok());
    }
}
