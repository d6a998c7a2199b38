//! Online tenants that move between hosts: a policy layer that keeps where
//! a tenant is, looks it up (through the request it is given a way to
//! send) and forgets it after a `421`.
//!
//! SuperOffice Online moves a tenant from one host to another to balance
//! load, and publishes where each tenant is at
//! `GET https://{sod|stage|online}.superoffice.com/api/state/{tenant}`:
//!
//! ```json
//! {"ContextIdentifier": "Cust12345", "Endpoint": "https://online2.superoffice.com/Cust12345",
//!  "State": "Running", "IsRunning": true, "ValidUntil": "2026-11-23T12:00:00Z",
//!  "Api": "https://online2.superoffice.com/Cust12345/api"}
//! ```
//!
//! A client built with [`Client::tenant`](super::Client::tenant) asks the
//! state service on its first call, keeps the answer until `ValidUntil`
//! (or [`DEFAULT_TENANT_TTL`] when the state does not say), and on a `421
//! Misdirected Request` from the tenant asks again once and repeats the
//! call (a `POST` too: the server refused it before doing anything). Calls
//! that need the location together ask the state service once.
//!
//! The base URL is the state's `Endpoint` (the documented paths, which
//! start with `/api/v1/…`, are appended to it); a state without `Endpoint`
//! gives it as `Api` less its final `/api`. For [`Environment::Sod`],
//! [`Stage`](Environment::Stage) and [`Online`](Environment::Online) the
//! base must be an `https` URL on `superoffice.com`, so a bad answer cannot
//! send the credentials anywhere else; for a [`Custom`](Environment::Custom)
//! state service it must not be `http` when the service is `https`.
//!
//! A tenant whose `State` is not `Running`, or whose `IsRunning` is
//! `false` (offline for maintenance, suspended, …), gives
//! [`Error::TenantUnavailable`] naming the state, without calling the API;
//! such a state is not kept, so the next call asks again.

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT};
use reqwest::{Method, Url};

pub use super::environment::Environment;
use super::error::Error;
use super::flight::Flight;
use super::transport::Prepared;
use super::url;

/// How long a tenant's location is kept when its state has no usable
/// `ValidUntil`.
pub const DEFAULT_TENANT_TTL: Duration = Duration::from_secs(15 * 60);

/// The least time a location is kept, even when `ValidUntil` is past (a
/// stale answer or a clock ahead would otherwise send every call to the
/// state service first).
pub const MIN_TENANT_TTL: Duration = Duration::from_secs(30);

/// Where a tenant is, as the client keeps it.
#[derive(Default)]
struct Cache {
    /// Bumped by every answer kept.
    generation: u64,
    place: Option<(Url, chrono::DateTime<chrono::Utc>)>,
}

/// Why a lookup failed, as calls that waited for it are told.
#[derive(Debug, Clone)]
enum Failed {
    Unavailable(String),
    Lookup(String),
}

/// A tenant's base URL for one call, and which answer it came from.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    pub base: Url,
    pub generation: u64,
}

/// An Online tenant, found through its environment's state service.
pub(crate) struct Tenant {
    id: String,
    state_url: Url,
    domain: Option<&'static str>,
    cache: Mutex<Cache>,
    /// Held while the state service is asked, so it is asked once for the
    /// calls that wait together; remembers why the last lookup failed.
    flight: Flight<Failed>,
}

impl std::fmt::Debug for Tenant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tenant")
            .field("id", &self.id)
            .field("state_url", &self.state_url.as_str())
            .finish_non_exhaustive()
    }
}

impl Tenant {
    /// Checks the tenant id and the state service's URL.
    pub fn new(env: &Environment, id: &str) -> Result<Self, Error> {
        let valid = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(Error::Config(format!(
                "tenant id `{id}`: expected letters, digits, `-` and `_`, like `Cust12345`"
            )));
        }
        let base = url::api_root(env.state_base()).map_err(|why| {
            Error::Config(format!(
                "state service `{}`: {why}",
                url::without_userinfo(env.state_base())
            ))
        })?;
        let state_url = Url::parse(&format!(
            "{}/api/state/{id}",
            base.as_str().trim_end_matches('/')
        ))
        .map_err(|e| Error::Config(format!("state service URL: {e}")))?;
        Ok(Tenant {
            id: id.to_string(),
            state_url,
            domain: env.trusted_domain(),
            cache: Mutex::new(Cache::default()),
            flight: Flight::new(),
        })
    }

    /// The state service's URL needs `https`.
    pub fn is_https(&self) -> bool {
        self.state_url.scheme() == "https"
    }

    /// The location kept, if it is still valid at `now`.
    fn kept(&self, now: chrono::DateTime<chrono::Utc>) -> Option<Located> {
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        match &cache.place {
            Some((base, until)) if now < *until => Some(Located {
                base: base.clone(),
                generation: cache.generation,
            }),
            _ => None,
        }
    }

    /// The base URL kept, valid or not (for showing a call's URL).
    pub fn last_known(&self) -> Option<Url> {
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache.place.as_ref().map(|(base, _)| base.clone())
    }

    /// The tenant's base URL: the one kept, or the state service's answer,
    /// asked for with `look_up` (which sends a request and gives the body
    /// of its successful answer). Waiting for another call's lookup takes
    /// at most `wait`.
    pub async fn locate<F, Fut>(&self, wait: Duration, look_up: F) -> Result<Located, Error>
    where
        F: FnOnce(Prepared<'static>) -> Fut,
        Fut: Future<Output = Result<bytes::Bytes, Error>>,
    {
        if let Some(l) = self.kept(chrono::Utc::now()) {
            return Ok(l);
        }
        let turn = self
            .flight
            .turn(wait)
            .await
            .ok_or_else(|| Error::TenantLookup {
                tenant: self.id.clone(),
                reason: format!("another call's lookup took longer than {wait:?}"),
                source: None,
            })?;
        if let Some(l) = self.kept(chrono::Utc::now()) {
            return Ok(l);
        }
        // A lookup that failed while this call waited is not repeated.
        if let Some(why) = turn.failed_meanwhile() {
            return Err(match why.clone() {
                Failed::Unavailable(state) => Error::TenantUnavailable {
                    tenant: self.id.clone(),
                    state,
                },
                Failed::Lookup(reason) => Error::TenantLookup {
                    tenant: self.id.clone(),
                    reason: format!("{reason} (for another call, while this one waited)"),
                    source: None,
                },
            });
        }
        let outcome = self.look_up(look_up).await;
        turn.ended(outcome.as_ref().err().map(|e| match e {
            Error::TenantUnavailable { state, .. } => Failed::Unavailable(state.clone()),
            Error::TenantLookup { reason, .. } => Failed::Lookup(reason.clone()),
            other => Failed::Lookup(other.to_string()),
        }));
        let (base, until) = outcome?;
        let mut cache = self.cache();
        cache.generation += 1;
        cache.place = Some((base.clone(), until));
        Ok(Located {
            base,
            generation: cache.generation,
        })
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The request that asks the state service where the tenant is: no
    /// credentials, JSON.
    fn state_request(&self) -> Prepared<'static> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        Prepared {
            method: Method::GET,
            url: self.state_url.clone(),
            headers: std::borrow::Cow::Owned(headers),
            authorization: None,
            content_type: None,
            body: None,
        }
    }

    /// Asks the state service where the tenant is, and until when.
    async fn look_up<F, Fut>(
        &self,
        look_up: F,
    ) -> Result<(Url, chrono::DateTime<chrono::Utc>), Error>
    where
        F: FnOnce(Prepared<'static>) -> Fut,
        Fut: Future<Output = Result<bytes::Bytes, Error>>,
    {
        super::trace::resolving(&self.id);
        let body = look_up(self.state_request())
            .await
            .map_err(|e| Error::TenantLookup {
                tenant: self.id.clone(),
                reason: "the state service failed".into(),
                source: Some(Box::new(e)),
            })?;
        let now = chrono::Utc::now();
        let (base, until) = read_state(&body, &self.id, self.domain, self.is_https(), now)?;
        super::trace::resolved(&self.id, base.host_str().unwrap_or_default());
        let least = now + chrono::Duration::from_std(MIN_TENANT_TTL).unwrap_or_default();
        Ok((base, until.max(least)))
    }

    /// Forgets the location a call got `421` at, unless another call has
    /// already found the new one.
    pub fn moved(&self, generation: u64) {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if cache.generation == generation {
            cache.place = None;
        }
    }
}

/// The base URL and how long it is valid, from a state answer; or why the
/// tenant cannot be called.
fn read_state(
    body: &[u8],
    tenant: &str,
    domain: Option<&str>,
    https: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Url, chrono::DateTime<chrono::Utc>), Error> {
    let bad = |reason: String| Error::TenantLookup {
        tenant: tenant.to_string(),
        reason,
        source: None,
    };
    let Ok(serde_json::Value::Object(state)) = serde_json::from_slice(body) else {
        return Err(bad("the state service's answer is not a JSON object".into()));
    };
    // Field names compared without regard to case (`Endpoint`, `endpoint`).
    let field = |name: &str| {
        state
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    };
    let text = |name: &str| field(name).and_then(|v| v.as_str());
    if let Some(other) = text("ContextIdentifier") {
        if !other.eq_ignore_ascii_case(tenant) {
            return Err(bad(format!(
                "the state service answered for tenant `{other}`"
            )));
        }
    }
    let state_name = text("State");
    let is_running = field("IsRunning").and_then(|v| v.as_bool());
    let running = match (state_name, is_running) {
        (None, None) => return Err(bad("the state says neither `State` nor `IsRunning`".into())),
        (s, r) => s.is_none_or(|s| s.eq_ignore_ascii_case("Running")) && r != Some(false),
    };
    if !running {
        return Err(Error::TenantUnavailable {
            tenant: tenant.to_string(),
            state: state_name.unwrap_or("not running").to_string(),
        });
    }
    let raw = match (text("Endpoint"), text("Api")) {
        (Some(endpoint), _) if !endpoint.trim().is_empty() => endpoint,
        (_, Some(api)) if !api.trim().is_empty() => api,
        _ => return Err(bad("the state has no `Endpoint` or `Api` URL".into())),
    };
    let shown = url::without_userinfo(raw);
    let base = url::api_root(raw).map_err(|why| bad(format!("`{shown}`: {why}")))?;
    match domain {
        Some(domain) if !url::https_within(&base, domain) => {
            return Err(bad(format!("`{shown}` is not an https URL on {domain}")));
        }
        Some(_) => {}
        None if https && base.scheme() != "https" => {
            return Err(bad(format!(
                "`{shown}` is not https, but the state service is"
            )));
        }
        None => {}
    }
    let until = text("ValidUntil").and_then(parse_time).unwrap_or_else(|| {
        now + chrono::Duration::from_std(DEFAULT_TENANT_TTL).unwrap_or_default()
    });
    Ok((base, until))
}

/// `2026-11-23T12:00:00Z`, `…+01:00`, or without an offset (taken as UTC).
fn parse_time(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn now() -> chrono::DateTime<chrono::Utc> {
        parse_time("2026-01-01T00:00:00Z").expect("time")
    }

    fn state(v: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(&v).expect("json")
    }

    fn online(body: serde_json::Value) -> Result<(Url, chrono::DateTime<chrono::Utc>), Error> {
        read_state(
            &state(body),
            "Cust12345",
            Some("superoffice.com"),
            true,
            now(),
        )
    }

    #[test]
    fn the_base_is_the_endpoint_and_documented_paths_go_under_it() {
        let (base, until) = online(json!({
            "ContextIdentifier": "Cust12345",
            "Endpoint": "https://online2.superoffice.com/Cust12345",
            "State": "Running",
            "IsRunning": true,
            "ValidUntil": "2026-11-23T12:00:00Z",
            "Api": "https://online2.superoffice.com/Cust12345/api"
        }))
        .expect("running");
        assert_eq!(base.as_str(), "https://online2.superoffice.com/Cust12345");
        assert_eq!(until, parse_time("2026-11-23T12:00:00Z").expect("time"));
        let url = url::url(&base, "/api/v1/Contact/5", &[]).expect("url");
        assert_eq!(
            url.as_str(),
            "https://online2.superoffice.com/Cust12345/api/v1/Contact/5"
        );
    }

    #[test]
    fn without_an_endpoint_the_api_url_loses_its_api() {
        let (base, until) = online(json!({
            "State": "Running",
            "Api": "https://online3.superoffice.com/Cust12345/api/"
        }))
        .expect("running");
        assert_eq!(base.as_str(), "https://online3.superoffice.com/Cust12345");
        assert_eq!(until, now() + chrono::Duration::seconds(15 * 60));
        // Lower-case names, and a ValidUntil without an offset.
        let (_, until) = online(json!({
            "endpoint": "https://online3.superoffice.com/Cust12345",
            "isRunning": true,
            "validUntil": "2026-02-01T10:00:00"
        }))
        .expect("running");
        assert_eq!(until, parse_time("2026-02-01T10:00:00Z").expect("time"));
    }

    #[test]
    fn unusable_states_are_refused() {
        let refused = [
            (
                json!({"State": "Running"}),
                "the state has no `Endpoint` or `Api` URL",
            ),
            (
                json!({"Endpoint": "https://online2.superoffice.com/C"}),
                "neither",
            ),
            (
                json!({"State": "Running", "Endpoint": "https://evil.example/Cust12345"}),
                "is not an https URL on superoffice.com",
            ),
            (
                json!({"State": "Running", "Endpoint": "https://superoffice.com.evil.example/C"}),
                "is not an https URL on superoffice.com",
            ),
            (
                json!({"State": "Running", "Endpoint": "http://online2.superoffice.com/C"}),
                "is not an https URL on superoffice.com",
            ),
            (
                json!({"State": "Running", "Endpoint": "https://u:pw@online2.superoffice.com/C"}),
                "credentials",
            ),
            (
                json!({"ContextIdentifier": "Cust1", "State": "Running", "Endpoint": "https://online2.superoffice.com/Cust1"}),
                "answered for tenant `Cust1`",
            ),
        ];
        for (body, says) in refused {
            let err = online(body.clone()).expect_err("refused");
            assert!(matches!(err, Error::TenantLookup { .. }), "{err:?}");
            assert!(err.to_string().contains(says), "{body}: {err}");
            assert!(!err.to_string().contains("pw"), "{err}");
        }
        let err = read_state(b"<html>", "Cust12345", None, false, now()).expect_err("not json");
        assert!(err.to_string().contains("not a JSON object"), "{err}");
        // A custom state service over https may not send calls over http.
        let body = state(json!({"State": "Running", "Endpoint": "http://10.0.0.1/C"}));
        assert!(read_state(&body, "Cust12345", None, true, now()).is_err());
        assert!(read_state(&body, "Cust12345", None, false, now()).is_ok());
    }

    #[test]
    fn a_tenant_that_is_not_running_names_its_state() {
        let err = online(json!({
            "State": "OfflineMaintenance",
            "IsRunning": false,
            "Endpoint": "https://online2.superoffice.com/Cust12345"
        }))
        .expect_err("not running");
        assert_eq!(
            err.to_string(),
            "tenant `Cust12345` is not available: its state is `OfflineMaintenance`"
        );
        let err = online(json!({"State": "Running", "IsRunning": false})).expect_err("stopped");
        assert!(matches!(err, Error::TenantUnavailable { ref state, .. } if state == "Running"));
        let err = online(json!({"IsRunning": false})).expect_err("stopped");
        assert!(
            matches!(err, Error::TenantUnavailable { ref state, .. } if state == "not running")
        );
    }

    #[test]
    fn tenant_ids_and_environments_are_checked() {
        for bad in ["", "Cust1/../x", "Cust 1", "Cust1?x"] {
            let err = Tenant::new(&Environment::Online, bad).expect_err(bad);
            assert!(matches!(err, Error::Config(_)), "{err:?}");
        }
        let t = Tenant::new(&Environment::Sod, "Cust12345").expect("valid");
        assert_eq!(
            t.state_url.as_str(),
            "https://sod.superoffice.com/api/state/Cust12345"
        );
        assert!(Tenant::new(&Environment::Custom("localhost:1".into()), "C").is_err());
    }
}
