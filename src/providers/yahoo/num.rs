//! Yahoo numbers come plain (`12.3`) or formatted (`{"raw": 12.3, "fmt": "12.30"}`): accept both.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64().filter(|x| x.is_finite()),
        Value::Object(o) => o.get("raw").and_then(number),
        _ => None,
    }
}

/// `null`, a missing field, a string or anything odd is unknown, never 0.
pub fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(number(&Value::deserialize(d)?))
}

pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(number(&Value::deserialize(d)?).filter(|x| *x >= 0.0).map(|x| x as u64))
}

pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(number(&Value::deserialize(d)?).map(|x| x as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt")]
        a: Option<f64>,
    }

    fn a(json: &str) -> Option<f64> {
        serde_json::from_str::<T>(json).unwrap().a
    }

    #[test]
    fn plain_raw_and_unknown() {
        assert_eq!(a(r#"{"a": 1.5}"#), Some(1.5));
        assert_eq!(a(r#"{"a": 3}"#), Some(3.0));
        assert_eq!(a(r#"{"a": {"raw": 2.25, "fmt": "2.25"}}"#), Some(2.25));
        assert_eq!(a(r#"{"a": {"fmt": "2.25"}}"#), None);
        assert_eq!(a(r#"{"a": null}"#), None);
        assert_eq!(a(r#"{"a": "12"}"#), None);
        assert_eq!(a(r#"{}"#), None);
    }
}
