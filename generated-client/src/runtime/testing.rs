//! Helpers for the generated sample tests: JSON compared the way the
//! documentation means it.

use serde_json::Value;

/// `a` and `b` say the same thing: `null` fields count as absent, numbers
/// compare by value (`12` = `12.0`), and strings that are both date-times
/// compare as date-times (`…48.1879959+01:00` = `…48.187995900+01:00`).
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys = x.keys().chain(y.keys());
            keys.into_iter().all(|k| {
                let xa = x.get(k).unwrap_or(&Value::Null);
                let yb = y.get(k).unwrap_or(&Value::Null);
                json_eq(xa, yb)
            })
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::String(y)) => {
            x == y
                || matches!(
                    (super::datetime::DateTime::parse(x), super::datetime::DateTime::parse(y)),
                    (Ok(p), Ok(q)) if p == q
                )
        }
        // SuperOffice's "no date" reads as absent.
        (Value::String(s), Value::Null) | (Value::Null, Value::String(s)) => {
            super::datetime::DateTime::parse(s).is_ok_and(|d| d.is_empty_marker())
        }
        _ => a == b,
    }
}

/// Panics with both documents when they differ (for tests).
#[track_caller]
pub fn assert_json_eq(actual: &Value, expected: &Value) {
    assert!(
        json_eq(actual, expected),
        "JSON differs\n  actual: {actual}\nexpected: {expected}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nulls_numbers_and_dates() {
        assert!(json_eq(&json!({"a": 1, "b": null}), &json!({"a": 1.0})));
        assert!(json_eq(
            &json!({"t": "2019-11-18T03:40:48.1879959+01:00"}),
            &json!({"t": "2019-11-18T03:40:48.187995900+01:00"})
        ));
        assert!(json_eq(&json!({"t": "0001-01-01T00:00:00"}), &json!({})));
        assert!(!json_eq(&json!({"a": 1}), &json!({"a": 2})));
        assert!(!json_eq(&json!([1, 2]), &json!([1])));
        assert!(!json_eq(&json!({"a": "x"}), &json!({})));
    }
}
