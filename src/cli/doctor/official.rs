//! The official sources' checks: one request each, as the app asks them.

use super::{Check, Ctx, Fail, Kind, verdict};
use crate::config::FilingsConfig;
use crate::market::Symbol;
use crate::providers::official::federal_register::BIS;
use crate::providers::official::sec::{builtin_cik, is_us_listing, refusal_in};
use crate::providers::official::{cninfo as cn, hkex as hk};

/// What doctor says when EDGAR has no contact to be asked with.
pub const NO_CONTACT_ADVICE: &str = "set sec_user_agent = \"Your Name you@example.com\" in [filings]: \
     EDGAR serves only programs that declare a contact (or sec = false stops asking)";

/// The newest BIS rule: the query the app makes, one document long.
pub async fn federal_register(cx: &Ctx, f: &FilingsConfig) -> Vec<Check> {
    let url = format!(
        "{}/api/v1/documents.json?conditions[agencies][]={BIS}&conditions[type][]=RULE&order=newest&per_page=2",
        f.federal_register_url
    );
    let base = Check::new("federal register", "filings", Kind::FederalRegister, &url);
    vec![cx.sampled(base, &url, rules_sample).await]
}

fn rules_sample(body: &[u8]) -> Result<String, String> {
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let count = v.get("count").and_then(serde_json::Value::as_u64).ok_or("no count in the answer")?;
    let newest = v.pointer("/results/0/title").and_then(serde_json::Value::as_str).unwrap_or("");
    Ok(format!("{count} BIS rules; newest: {newest}"))
}

/// The submissions of the watchlist's first US name with a known CIK (NVIDIA's when none has),
/// asked with the configured contact; without one, not asked.
pub async fn sec(cx: &Ctx, f: &FilingsConfig, symbols: &[Symbol]) -> Vec<Check> {
    let cik = symbols.iter().filter(|s| is_us_listing(s)).find_map(|s| builtin_cik(s.as_str()));
    let url = format!("{}/submissions/CIK{:010}.json", f.sec_url, cik.unwrap_or(1_045_810));
    let base = Check::new("sec edgar", "filings", Kind::SecEdgar, &url);
    let Some(ua) = f.sec_user_agent.clone() else {
        return vec![base.failed(None, Fail::Skipped("no contact in [filings] sec_user_agent"))];
    };
    let run = async {
        let r = match cx.http("filings").get_with(&url, &[("user-agent", ua)]).await {
            Ok(r) => r,
            Err(e) => return base.clone().failed(None, e),
        };
        if let Some(e) = refusal_in(r.status, &r.body) {
            return base.clone().failed(Some(r.status), Fail::Refused(e.to_string()));
        }
        verdict(base.clone(), &r, submissions_sample)
    };
    vec![cx.check(base.clone(), run).await]
}

fn submissions_sample(body: &[u8]) -> Result<String, String> {
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let name = v.get("name").and_then(serde_json::Value::as_str).ok_or("no company name in the answer")?;
    let n = v.pointer("/filings/recent/form").and_then(serde_json::Value::as_array).map_or(0, Vec::len);
    Ok(format!("{name}: {n} recent filings"))
}

/// The stock id of the watchlist's first Hong Kong listing, as the app looks it up.
pub async fn hkex(cx: &Ctx, f: &FilingsConfig, code: String) -> Vec<Check> {
    let url = hk::lookup_url(&f.hkex_url, &code);
    let base = Check::new("hkexnews", "filings", Kind::Hkex, &url);
    let sample = |body: &[u8]| {
        hk::stock_id_in(body, &code).map(|id| format!("{code}: stock id {id}")).map_err(|e| e.to_string())
    };
    vec![cx.sampled(base, &url, sample).await]
}

/// The orgId of the watchlist's first Shanghai or Shenzhen listing, as the app looks it up.
pub async fn cninfo(cx: &Ctx, f: &FilingsConfig, code: String) -> Vec<Check> {
    let url = cn::lookup_url(&f.cninfo_url);
    let base = Check::new("cninfo", "filings", Kind::Cninfo, &url);
    let sample = |body: &[u8]| {
        cn::org_id_in(body, &code).map(|id| format!("{code}: orgId {id}")).map_err(|e| e.to_string())
    };
    let run = async {
        match cx.http("filings").post_form(&url, &cn::lookup_form(&code), &[]).await {
            Ok(r) => verdict(base.clone(), &r, sample),
            Err(e) => base.clone().failed(None, e),
        }
    };
    vec![cx.check(base.clone(), run).await]
}
