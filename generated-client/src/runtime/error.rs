//! The error of every call: the server said no ([`Error::Api`]), the
//! request never got an answer ([`Error::Transport`]), or the answer did not
//! have the documented shape ([`Error::Decode`]); and the errors of the
//! layers above, kept here so every layer can report them without knowing
//! the others: a credentials source's ([`CredentialsError`]), a tenant
//! lookup's, a refused path or redirect.
//!
//! Error messages and `Debug` output never contain credentials: the
//! `Authorization` and `SO-AppToken` values are not part of any error.

use std::fmt;
use std::time::Duration;

/// Any error a [`Credentials`](super::Credentials) source reports.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What went wrong with a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status that is not a success (after any
    /// retries).
    Api(ApiError),
    /// No usable answer: connection, TLS or timeout problems (after any
    /// retries).
    Transport(TransportError),
    /// The answer's body did not decode into the documented type.
    Decode(DecodeError),
    /// The request body could not be encoded as JSON.
    Encode(serde_json::Error),
    /// The client was configured with something unusable (a bad base URL,
    /// a header value with a line break, …).
    Config(String),
    /// The call's path is unsafe, so nothing was sent: a path parameter is
    /// empty, `.` or `..` (it would call another endpoint), or the path
    /// would leave the client's base URL.
    InvalidPath {
        /// The path, rejected parameters shown as `{…}`.
        path: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A redirect was refused: `https` to `http`, an unusable `Location`,
    /// or too many redirects.
    Redirect(String),
    /// The client's [`Credentials`](super::Credentials) source failed,
    /// took too long, or gave an unusable value (the error says which
    /// step, never the value).
    Credentials(CredentialsError),
    /// Where an Online tenant's API is could not be found out: the state
    /// service failed, or its answer was unusable. Nothing was sent to the
    /// tenant.
    TenantLookup {
        /// The tenant, e.g. `Cust12345`.
        tenant: String,
        /// What was wrong.
        reason: String,
        /// The state service's failure, when it failed.
        source: Option<Box<Error>>,
    },
    /// The tenant's state says its API is not available (offline for
    /// maintenance, suspended, …). Nothing was sent to the tenant.
    TenantUnavailable {
        /// The tenant, e.g. `Cust12345`.
        tenant: String,
        /// Its state as the state service gave it, e.g. `OfflineMaintenance`.
        state: String,
    },
    /// `304 Not Modified`: the entity has not changed since the
    /// `If-Modified-Since` (or `If-None-Match`) the call sent, so there is
    /// no body to decode. The answer's headers are kept.
    NotModified {
        /// The answer's headers (`ETag`, `Last-Modified`).
        headers: reqwest::header::HeaderMap,
    },
    /// The answer's body is larger than the client's
    /// [`max_response_bytes`](super::ClientBuilder::max_response_bytes): it
    /// was not read to its end.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// Signing in to SuperOffice Online failed (the `oauth` and
    /// `system-user` features): which step, and what SuperOffice or the
    /// check said; never a key, token or ticket.
    SignIn(SignInError),
    /// A paged list's server contradicted itself (it sent more rows than
    /// asked for yet said more pages follow), so the stream stopped rather
    /// than skip or repeat rows. The rows before it were yielded.
    Paging(String),
}

/// A non-success answer, with what SuperOffice said about it.
///
/// SuperOffice's REST error body is
/// `{"Error": true, "ErrorType": "SoNotFoundException", "ErrorMessage": "Contact id 99999 not found", "ErrorSource": "…"}`;
/// OAuth endpoints answer `{"error": "invalid_grant", "error_description": "…"}`,
/// and proxies plain text or HTML. [`error_type`](Self::error_type) and
/// [`message`](Self::message) pick out what is there.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The body as the server sent it.
    pub body: bytes::Bytes,
    /// SuperOffice's error message (`ErrorMessage`, `Message`,
    /// `error_description`, `Error` or `error` of a JSON error body, or a
    /// short plain-text body), when present.
    pub message: Option<String>,
    /// SuperOffice's error type (`ErrorType`, e.g. `SoNotFoundException`, or
    /// an OAuth `error` code), when present.
    pub error_type: Option<String>,
    /// How many times the call was sent (more than one when it was retried).
    pub attempts: u32,
    /// How long the server asked to wait (`Retry-After`), when it said so.
    pub retry_after: Option<Duration>,
    /// The answer's headers (`ETag`, `Last-Modified`, rate-limit headers…),
    /// boxed to keep the error small; see [`headers`](Self::headers).
    pub(crate) headers: Box<reqwest::header::HeaderMap>,
}

/// No usable answer: the connection failed, or the call ran out of time.
#[derive(Debug)]
pub struct TransportError {
    /// What reqwest reported (absent when the call's own deadline passed).
    source: Option<reqwest::Error>,
    /// The time limit, when the call ran out of it.
    timed_out_after: Option<Duration>,
    /// How many times the call was sent.
    attempts: u32,
}

/// A body that did not match the documented type.
#[derive(Debug)]
pub struct DecodeError {
    /// Where in the JSON it failed, e.g. `Credentials[1].Type`.
    pub path: String,
    /// What serde said.
    pub source: serde_json::Error,
    /// The body that failed to decode.
    pub body: bytes::Bytes,
    /// The call whose answer it was, e.g. `GET /api/v1/Contact/5` (empty
    /// when decoded outside a call).
    pub endpoint: String,
}

impl Error {
    /// The HTTP status of an [`Error::Api`] (or `304`).
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::NotModified { .. } => Some(304),
            Error::Transport(e) => e.source.as_ref()?.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// The call ran out of time (connecting, or waiting for the answer).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(e) if e.is_timeout())
    }

    /// `412 Precondition Failed` (see [`ApiError::is_precondition_failed`]).
    pub fn is_precondition_failed(&self) -> bool {
        matches!(self, Error::Api(e) if e.is_precondition_failed())
    }

    /// `304 Not Modified` ([`Error::NotModified`]).
    pub fn is_not_modified(&self) -> bool {
        matches!(self, Error::NotModified { .. })
    }

    /// How many times the call was sent, for errors of a sent call.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api(e) => Some(e.attempts),
            Error::Transport(e) => Some(e.attempts),
            _ => None,
        }
    }
}

impl ApiError {
    /// Builds the error of a failed response, digging out SuperOffice's
    /// error type and message.
    pub fn new(status: u16, body: bytes::Bytes) -> Self {
        let (error_type, message) = describe(&body);
        ApiError {
            status,
            body,
            message,
            error_type,
            attempts: 1,
            retry_after: None,
            headers: Box::default(),
        }
    }

    /// `412 Precondition Failed`: someone changed the entity since the
    /// `If-Unmodified-Since` (or `If-Match`) the call sent.
    pub fn is_precondition_failed(&self) -> bool {
        self.status == 412
    }

    /// The answer's headers.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// SuperOffice's error type, e.g. `SoNotFoundException`.
    pub fn error_type(&self) -> Option<&str> {
        self.error_type.as_deref()
    }

    /// SuperOffice's error message, e.g. `Contact id 99999 not found`.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// SuperOffice's `ErrorSource` (where on the server it failed), when
    /// the body has one.
    pub fn error_source(&self) -> Option<String> {
        let v: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        v.get("ErrorSource")?.as_str().map(str::to_string)
    }

    /// How many times the call was sent.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// How long the server asked to wait before calling again.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl TransportError {
    /// A failure reported by reqwest, after `attempts` attempts.
    pub fn new(source: reqwest::Error, attempts: u32) -> Self {
        TransportError {
            source: Some(source),
            timed_out_after: None,
            attempts,
        }
    }

    /// The call got no complete answer within `limit`, after `attempts`
    /// attempts.
    pub fn timed_out(limit: Duration, attempts: u32) -> Self {
        TransportError {
            source: None,
            timed_out_after: Some(limit),
            attempts,
        }
    }

    /// The call ran out of time (connecting, or waiting for the answer).
    pub fn is_timeout(&self) -> bool {
        self.timed_out_after.is_some() || self.source.as_ref().is_some_and(|e| e.is_timeout())
    }

    /// No connection could be made.
    pub fn is_connect(&self) -> bool {
        self.source.as_ref().is_some_and(|e| e.is_connect())
    }

    /// How many times the call was sent.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// What reqwest reported, if the failure came from it.
    pub fn reqwest_error(&self) -> Option<&reqwest::Error> {
        self.source.as_ref()
    }
}

/// The error type and message of an error body: SuperOffice's
/// `ErrorType`/`ErrorMessage`, OAuth's `error`/`error_description`, other
/// JSON with a message, or a short one-line plain-text body.
fn describe(body: &[u8]) -> (Option<String>, Option<String>) {
    let text = |v: Option<&serde_json::Value>| v.and_then(|m| m.as_str()).map(str::to_string);
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(obj)) => {
            let message = [
                "ErrorMessage",
                "Message",
                "message",
                "error_description",
                "Error",
                "error",
            ]
            .iter()
            .find_map(|k| text(obj.get(*k)));
            let error_type = text(obj.get("ErrorType")).or_else(|| {
                // OAuth: `error` is the code when a description says more.
                obj.contains_key("error_description")
                    .then(|| text(obj.get("error")))
                    .flatten()
            });
            (error_type, message)
        }
        Ok(_) => (None, None),
        Err(_) => (None, plain_text(body)),
    }
}

/// A body that reads as a short one-line message (not HTML).
fn plain_text(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?.trim();
    let fits = !text.is_empty()
        && text.len() <= 200
        && !text.starts_with('<')
        && !text.chars().any(char::is_control);
    fits.then(|| text.to_string())
}

/// ` (after 3 attempts)` when the call was retried.
fn after(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}

impl fmt::Display for ApiError {
    /// `the server answered 404: SoNotFoundException: Contact id 99999 not found`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server answered {}", self.status)?;
        if let Some(t) = &self.error_type {
            write!(f, ": {t}")?;
        }
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        f.write_str(&after(self.attempts))
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.is_timeout() {
            "timed out"
        } else {
            "failed"
        };
        write!(f, "the request {what}{}", after(self.attempts))?;
        if let Some(limit) = self.timed_out_after {
            write!(f, ": no complete answer within {limit:?}")?;
        }
        if let Some(e) = &self.source {
            write!(f, ": {e}")?;
            // reqwest's own message is generic; the cause says what happened.
            let mut cause = std::error::Error::source(e);
            while let Some(c) = cause {
                write!(f, ": {c}")?;
                cause = c.source();
            }
        }
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Decode(e) if e.endpoint.is_empty() => write!(
                f,
                "the response did not decode at `{}`: {}",
                e.path, e.source
            ),
            Error::Decode(e) => write!(
                f,
                "the response of {} did not decode at `{}`: {}",
                e.endpoint, e.path, e.source
            ),
            Error::Encode(e) => write!(f, "the request body did not encode: {e}"),
            Error::Config(m) => write!(f, "the client is misconfigured: {m}"),
            Error::InvalidPath { path, reason } => {
                write!(f, "not sent to `{path}`: {reason}")
            }
            Error::Redirect(m) => write!(f, "the redirect was not followed: {m}"),
            Error::Credentials(e) => e.fmt(f),
            Error::TenantLookup {
                tenant,
                reason,
                source,
            } => {
                write!(f, "could not find where tenant `{tenant}` is: {reason}")?;
                match source {
                    Some(e) => write!(f, ": {e}"),
                    None => Ok(()),
                }
            }
            Error::TenantUnavailable { tenant, state } => {
                write!(
                    f,
                    "tenant `{tenant}` is not available: its state is `{state}`"
                )
            }
            Error::Paging(m) => write!(f, "paging stopped: {m}"),
            Error::NotModified { .. } => {
                f.write_str("the server answered 304: not modified since the time the call gave")
            }
            Error::TooLarge { limit } => write!(
                f,
                "the answer is larger than the client's limit of {limit} bytes (max_response_bytes)"
            ),
            Error::SignIn(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => e
                .source
                .as_ref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            Error::Decode(e) => Some(&e.source),
            Error::Encode(e) => Some(e),
            Error::Credentials(e) => Some(e),
            Error::SignIn(e) => e
                .source
                .as_deref()
                .map(|e| e as &(dyn std::error::Error + 'static)),
            Error::TenantLookup {
                source: Some(e), ..
            } => Some(e.as_ref()),
            Error::Api(_)
            | Error::Config(_)
            | Error::InvalidPath { .. }
            | Error::Redirect(_)
            | Error::TenantLookup { source: None, .. }
            | Error::TenantUnavailable { .. }
            | Error::Paging(_)
            | Error::NotModified { .. }
            | Error::TooLarge { .. } => None,
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        Error::Transport(TransportError::new(e, 1))
    }
}

/// Which request to the source failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsStep {
    /// Getting the first value ([`Credentials::authorization`](super::Credentials::authorization)).
    Authorization,
    /// Renewing after a `401` ([`Credentials::renew`](super::Credentials::renew)).
    Renew,
    /// Renewing a value that runs out soon, before sending it
    /// ([`Credentials::expires_at`](super::Credentials::expires_at)).
    RenewAhead,
}

/// A [`Credentials`](super::Credentials) source failed, took too long, or gave a value that
/// cannot be sent as a header. Never contains the value.
#[derive(Debug)]
pub struct CredentialsError {
    /// What the client asked the source for.
    pub step: CredentialsStep,
    /// What went wrong.
    kind: CredentialsFailure,
}

#[derive(Debug)]
enum CredentialsFailure {
    /// The source reported an error.
    Source(BoxError),
    /// The source did not answer within the call's time limit.
    TimedOut(Duration),
    /// The value has a character a header cannot carry (a line break).
    Unsendable,
    /// The source failed for another call while this one waited for it
    /// (so it is asked once, not once for every waiting call).
    Shared,
}

impl CredentialsError {
    /// The source reported `error`.
    pub(crate) fn failed(step: CredentialsStep, error: BoxError) -> Self {
        Self::of(step, CredentialsFailure::Source(error))
    }

    /// The source did not answer within `limit`.
    pub(crate) fn timed_out(step: CredentialsStep, limit: Duration) -> Self {
        Self::of(step, CredentialsFailure::TimedOut(limit))
    }

    /// The value cannot be sent as a header.
    pub(crate) fn unsendable(step: CredentialsStep) -> Self {
        Self::of(step, CredentialsFailure::Unsendable)
    }

    /// The source failed for another call while this one waited.
    pub(crate) fn shared(step: CredentialsStep) -> Self {
        Self::of(step, CredentialsFailure::Shared)
    }

    fn of(step: CredentialsStep, kind: CredentialsFailure) -> Self {
        CredentialsError { step, kind }
    }

    /// The error the source reported, if it reported one.
    pub fn source_error(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        match &self.kind {
            CredentialsFailure::Source(e) => Some(e.as_ref()),
            _ => None,
        }
    }

    /// The source did not answer in time.
    pub fn is_timeout(&self) -> bool {
        matches!(self.kind, CredentialsFailure::TimedOut(_))
    }
}

impl std::fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let step = match self.step {
            CredentialsStep::Authorization => "give the Authorization value",
            CredentialsStep::Renew => "renew the Authorization value after a 401",
            CredentialsStep::RenewAhead => "renew the Authorization value before it ran out",
        };
        match &self.kind {
            CredentialsFailure::Source(e) => write!(f, "the credentials source failed to {step}: {e}"),
            CredentialsFailure::TimedOut(limit) => {
                write!(f, "the credentials source did not {step} within {limit:?}")
            }
            CredentialsFailure::Unsendable => write!(
                f,
                "the credentials source was asked to {step} and gave a value that cannot be sent as a header"
            ),
            CredentialsFailure::Shared => write!(
                f,
                "the credentials source failed to {step} for another call while this one waited"
            ),
        }
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            CredentialsFailure::Source(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

/// Which step of signing in failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignInStep {
    /// Reading the app's private key (PEM or SuperOffice's RSA XML).
    Key,
    /// Fetching the login service's OpenID Connect metadata.
    Metadata,
    /// Fetching the login service's signing keys (JWKS).
    Keys,
    /// Exchanging an OAuth authorization code for tokens.
    CodeExchange,
    /// Refreshing an OAuth access token.
    Refresh,
    /// Signing in as the system user (`PartnerSystemUser/Authenticate`).
    SystemUser,
    /// Validating a token the login service signed (an `id_token`, a
    /// system user's JWT).
    Token,
}

/// Signing in to SuperOffice Online failed. Says which step and what
/// SuperOffice (or the check) said; never contains a key, token or ticket.
#[derive(Debug)]
pub struct SignInError {
    /// The step that failed.
    pub step: SignInStep,
    message: String,
    /// SuperOffice answered `InvalidTimestamp`: the signed system token's
    /// time is off (this machine's clock is wrong by minutes).
    invalid_timestamp: bool,
    source: Option<Box<Error>>,
}

impl SignInError {
    /// `step` failed: `message` says how.
    #[cfg(any(feature = "oauth", feature = "system-user"))]
    pub(crate) fn new(step: SignInStep, message: impl Into<String>) -> Self {
        SignInError {
            step,
            message: message.into(),
            invalid_timestamp: false,
            source: None,
        }
    }

    /// `step` failed because a request to the login service did.
    #[cfg(any(feature = "oauth", feature = "system-user"))]
    pub(crate) fn because(step: SignInStep, message: impl Into<String>, source: Error) -> Self {
        SignInError {
            source: Some(Box::new(source)),
            ..Self::new(step, message)
        }
    }

    /// SuperOffice refused the signed system token's timestamp.
    #[cfg(feature = "system-user")]
    pub(crate) fn invalid_timestamp(message: impl Into<String>) -> Self {
        SignInError {
            invalid_timestamp: true,
            ..Self::new(SignInStep::SystemUser, message)
        }
    }

    /// What went wrong (SuperOffice's message, or the check's).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// SuperOffice answered `InvalidTimestamp`: the clock of this machine
    /// is off by minutes.
    pub fn is_invalid_timestamp(&self) -> bool {
        self.invalid_timestamp
    }
}

impl fmt::Display for SignInError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let step = match self.step {
            SignInStep::Key => "reading the private key",
            SignInStep::Metadata => "fetching the login service's metadata",
            SignInStep::Keys => "fetching the login service's signing keys",
            SignInStep::CodeExchange => "exchanging the authorization code",
            SignInStep::Refresh => "refreshing the access token",
            SignInStep::SystemUser => "signing in as the system user",
            SignInStep::Token => "validating the token",
        };
        write!(f, "signing in failed while {step}: {}", self.message)?;
        if let Some(e) = &self.source {
            write!(f, ": {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SignInError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A webhook delivery that is not accepted (the `webhooks` feature).
#[derive(Debug)]
pub enum WebhookError {
    /// The webhook has a secret but the delivery has no
    /// `X-SuperOffice-Signature`.
    MissingSignature,
    /// The signature is not base64.
    MalformedSignature,
    /// The signature is not the body's: a wrong secret, or a body that is
    /// not the one signed.
    BadSignature,
    /// The body is not an event.
    Body(serde_json::Error),
}

impl PartialEq for WebhookError {
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::MissingSignature => {
                f.write_str("the webhook delivery has no X-SuperOffice-Signature")
            }
            WebhookError::MalformedSignature => {
                f.write_str("the webhook delivery's signature is not base64")
            }
            WebhookError::BadSignature => {
                f.write_str("the webhook delivery's signature does not match its body")
            }
            WebhookError::Body(e) => write!(f, "the webhook delivery is not an event: {e}"),
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WebhookError::Body(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_keeps_status_body_and_message() {
        let body = bytes::Bytes::from_static(br#"{"Error":"x","Message":"User not found"}"#);
        let e = Error::Api(ApiError::new(404, body.clone()));
        assert_eq!(e.status(), Some(404));
        assert_eq!(e.to_string(), "the server answered 404: User not found");
        let Error::Api(api) = e else { unreachable!() };
        assert_eq!(api.body, body);
    }

    #[test]
    fn api_error_without_json_body() {
        let e = ApiError::new(500, bytes::Bytes::from_static(b"<html>oops</html>"));
        assert_eq!(e.message, None);
        assert_eq!(e.to_string(), "the server answered 500");
    }

    #[test]
    fn superoffice_error_type_and_message() {
        let body = br#"{"Error": true, "ErrorType": "SoNotFoundException", "ErrorMessage": "Contact id 99999 not found", "ErrorSource": "ContactAgent.GetContact"}"#;
        let e = ApiError::new(404, bytes::Bytes::from_static(body));
        assert_eq!(e.error_type(), Some("SoNotFoundException"));
        assert_eq!(e.message(), Some("Contact id 99999 not found"));
        assert_eq!(e.error_source().as_deref(), Some("ContactAgent.GetContact"));
        assert_eq!(
            e.to_string(),
            "the server answered 404: SoNotFoundException: Contact id 99999 not found"
        );
    }

    #[test]
    fn oauth_and_plain_text_errors() {
        let oauth = ApiError::new(
            400,
            bytes::Bytes::from_static(
                br#"{"error":"invalid_grant","error_description":"The token expired"}"#,
            ),
        );
        assert_eq!(oauth.error_type(), Some("invalid_grant"));
        assert_eq!(oauth.message(), Some("The token expired"));
        assert_eq!(
            oauth.to_string(),
            "the server answered 400: invalid_grant: The token expired"
        );
        let bare = ApiError::new(
            401,
            bytes::Bytes::from_static(br#"{"error":"invalid_token"}"#),
        );
        assert_eq!(bare.error_type(), None);
        assert_eq!(bare.message(), Some("invalid_token"));
        let text = ApiError::new(503, bytes::Bytes::from_static(b"Service Unavailable\r\n"));
        assert_eq!(text.message(), Some("Service Unavailable"));
        assert_eq!(text.error_type(), None);
    }

    #[test]
    fn attempts_and_timeouts_are_in_the_message() {
        let mut e = ApiError::new(503, bytes::Bytes::new());
        e.attempts = 3;
        assert_eq!(e.to_string(), "the server answered 503 (after 3 attempts)");
        let t = Error::Transport(TransportError::timed_out(Duration::from_millis(200), 1));
        assert!(t.is_timeout());
        assert_eq!(
            t.to_string(),
            "the request timed out: no complete answer within 200ms"
        );
        assert_eq!(t.attempts(), Some(1));
    }
}
