//! What a generated method says about its endpoint, before anything is
//! sent: the [`Endpoint`] (operation id, method, path template), the
//! request [`Body`], and how query values are written ([`QueryValue`],
//! [`QueryParams`]). A leaf: it knows nothing of clients or sending.

/// A value that can be sent as a query parameter.
pub trait QueryValue {
    /// The value as it goes in the query string (before percent-encoding).
    fn to_query(&self) -> String;
}

macro_rules! display_query {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn to_query(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_query!(
    i32,
    i64,
    u32,
    u64,
    f64,
    bool,
    String,
    str,
    super::datetime::DateTime
);

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn to_query(&self) -> String {
        (**self).to_query()
    }
}

/// Arrays go as comma-separated lists.
impl<T: QueryValue> QueryValue for Vec<T> {
    fn to_query(&self) -> String {
        self.iter().map(T::to_query).collect::<Vec<_>>().join(",")
    }
}

/// Objects go as JSON.
impl QueryValue for serde_json::Value {
    fn to_query(&self) -> String {
        match self {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// The optional query parameters of an endpoint (a generated struct).
pub trait QueryParams {
    /// `(wire name, value)` for every parameter that is set.
    fn pairs(&self) -> Vec<(&'static str, String)>;
}

/// Endpoints without optional query parameters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoQuery;

impl QueryParams for NoQuery {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// A generated method's endpoint: its operation id, HTTP method and path
/// template, as the reference page gives them. Tracing records these,
/// never the filled-in path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The operation id (the reference page's uid), e.g. `v1UserAgent_SaveUser`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: reqwest::Method,
    /// The documented path, parameters unfilled, e.g. `/api/v1/Contact/{id}`.
    pub template: &'static str,
}

impl Endpoint {
    /// An endpoint (the generated methods build theirs as constants).
    #[doc(hidden)]
    pub const fn new(method: reqwest::Method, id: &'static str, template: &'static str) -> Self {
        Endpoint {
            id,
            method,
            template,
        }
    }
}

/// A request body, as a generated method hands it over.
#[doc(hidden)]
#[derive(Debug)]
pub enum Body {
    /// No body.
    None,
    /// Encoded JSON (or the encoding error, reported when sent).
    Json(Result<Vec<u8>, serde_json::Error>),
    /// Bytes with their content type (image uploads).
    Binary {
        /// The content.
        bytes: bytes::Bytes,
        /// Its media type, e.g. `image/png`.
        content_type: String,
    },
}

impl Body {
    /// `value` as a JSON body.
    pub fn json(value: &impl serde::Serialize) -> Body {
        Body::Json(serde_json::to_vec(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values() {
        assert_eq!(vec![1, 2].to_query(), "1,2");
        assert_eq!(serde_json::json!("a b").to_query(), "a b");
        assert_eq!(serde_json::json!({"A": 1}).to_query(), r#"{"A":1}"#);
        assert!(NoQuery.pairs().is_empty());
    }
}
