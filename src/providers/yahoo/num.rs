//! Yahoo numbers come plain (`12.3`) or formatted (`{"raw": 12.3, "fmt": "12.30"}`): accept both.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The largest magnitude taken as a real number: above every price, volume and market cap, and
/// within f64's exact integers. Beyond it a value is a broken answer: unknown, never clamped.
const PLAUSIBLE: f64 = 9.0e15;

/// A finite value within `PLAUSIBLE`.
pub fn plausible(x: f64) -> Option<f64> {
    (x.is_finite() && x.abs() <= PLAUSIBLE).then_some(x)
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64().and_then(plausible),
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

/// `true` or `false`, plain or as `{"raw": …}`; anything else is unknown.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => Some(b),
        Value::Object(o) => o.get("raw").and_then(Value::as_bool),
        _ => None,
    })
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

    #[derive(Deserialize)]
    struct U {
        #[serde(default, deserialize_with = "opt_u64")]
        v: Option<u64>,
        #[serde(default, deserialize_with = "opt_i64")]
        t: Option<i64>,
    }

    #[derive(Deserialize)]
    struct B {
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
    }

    #[test]
    fn flags_plain_raw_and_unknown() {
        let b = |json: &str| serde_json::from_str::<B>(json).unwrap().b;
        assert_eq!(b(r#"{"b": true}"#), Some(true));
        assert_eq!(b(r#"{"b": {"raw": false, "fmt": "false"}}"#), Some(false));
        assert_eq!(b(r#"{"b": "yes"}"#), None);
        assert_eq!(b(r#"{"b": 1}"#), None);
        assert_eq!(b(r#"{}"#), None);
    }

    /// 1e30 used to print as 18446744073709551615: out of range is unknown, never clamped.
    #[test]
    fn out_of_range_is_unknown() {
        let u = |json: &str| serde_json::from_str::<U>(json).unwrap();
        assert_eq!(u(r#"{"v": 1e30, "t": -1e300}"#).v, None);
        assert_eq!(u(r#"{"v": 1e30, "t": -1e300}"#).t, None);
        assert_eq!(u(r#"{"v": -5}"#).v, None);
        assert_eq!(u(r#"{"v": 226000000, "t": 1764000000}"#).v, Some(226_000_000));
        assert_eq!(a(r#"{"a": 1e300}"#), None);
        assert_eq!(a(r#"{"a": -1e16}"#), None);
    }
}
