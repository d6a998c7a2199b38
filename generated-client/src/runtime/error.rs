//! The error of every call: the server said no ([`Error::Api`]), the
//! request never got an answer ([`Error::Transport`]), or the answer did not
//! have the documented shape ([`Error::Decode`]).

use std::fmt;

/// What went wrong with a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status that is not a success.
    Api(ApiError),
    /// No usable answer: connection, TLS, timeout, redirect problems.
    Transport(reqwest::Error),
    /// The answer's body did not decode into the documented type.
    Decode(DecodeError),
    /// The request body could not be encoded as JSON.
    Encode(serde_json::Error),
    /// The client was configured with something unusable (a bad base URL,
    /// a header value with a line break, …).
    Config(String),
}

/// A non-success answer, with SuperOffice's own message when it sent one.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    /// The body as the server sent it.
    pub body: bytes::Bytes,
    /// SuperOffice's error message (`Message`, `Error` or
    /// `error_description` of a JSON error body), when present.
    pub message: Option<String>,
}

/// A body that did not match the documented type.
#[derive(Debug)]
pub struct DecodeError {
    /// Where in the JSON it failed, e.g. `Credentials[1].Type`.
    pub path: String,
    pub source: serde_json::Error,
    /// The body that failed to decode.
    pub body: bytes::Bytes,
}

impl Error {
    /// The HTTP status of an [`Error::Api`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            _ => None,
        }
    }
}

impl ApiError {
    /// Builds the error of a failed response, digging out SuperOffice's message.
    pub fn new(status: u16, body: bytes::Bytes) -> Self {
        let message = error_message(&body);
        ApiError {
            status,
            body,
            message,
        }
    }
}

/// SuperOffice sends errors as JSON objects with one of these keys.
fn error_message(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let obj = v.as_object()?;
    ["Message", "message", "Error", "error_description", "error"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(|m| m.as_str()))
        .map(str::to_string)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => match &e.message {
                Some(m) => write!(f, "the server answered {}: {m}", e.status),
                None => write!(f, "the server answered {}", e.status),
            },
            Error::Transport(e) => write!(f, "the request failed: {e}"),
            Error::Decode(e) => write!(
                f,
                "the response did not decode at `{}`: {}",
                e.path, e.source
            ),
            Error::Encode(e) => write!(f, "the request body did not encode: {e}"),
            Error::Config(m) => write!(f, "the client is misconfigured: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            Error::Decode(e) => Some(&e.source),
            Error::Encode(e) => Some(e),
            Error::Api(_) | Error::Config(_) => None,
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        Error::Transport(e)
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
    }
}
