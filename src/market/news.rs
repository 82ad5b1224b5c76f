//! Merging headlines from many feeds: one story once, newest first, at most `max`.

use url::Url;

use super::{Headline, sort_newest_first};

/// Tracking parameters that make one article look like many.
fn is_tracking(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("utm_")
        || matches!(
            k.as_str(),
            ".tsrc"
                | "tsrc"
                | "guccounter"
                | "guce_referrer"
                | "guce_referrer_sig"
                | "ncid"
                | "soc_src"
                | "soc_trk"
                | "fbclid"
                | "gclid"
                | "oc"
        )
}

/// The link without scheme, `www.`, fragment, trailing slash or tracking parameters.
pub fn link_key(link: &str) -> Option<String> {
    let u = Url::parse(link.trim()).ok()?;
    let host = u.host_str()?.trim_start_matches("www.").to_ascii_lowercase();
    let path = u.path().trim_end_matches('/');
    let mut query: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| !is_tracking(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    query.sort();
    let q: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    Some(if q.is_empty() { format!("{host}{path}") } else { format!("{host}{path}?{}", q.join("&")) })
}

/// The title folded: case, spaces and punctuation do not make a different story.
pub fn title_key(title: &str) -> String {
    let mut out = String::new();
    for w in title.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

/// What two headlines are compared by, computed once per headline: parsing links inside the
/// pairwise comparison made merging a few hundred headlines take seconds.
struct Keys {
    link: Option<String>,
    title: String,
}

fn keys(h: &Headline) -> Keys {
    Keys { link: link_key(&h.link), title: title_key(&h.title) }
}

fn same_story((a, ak): (&Headline, &Keys), (b, bk): (&Headline, &Keys)) -> bool {
    if ak.link.is_some() && ak.link == bk.link {
        return true;
    }
    if let (Some(x), Some(y)) = (&a.guid, &b.guid)
        && x == y
    {
        return true;
    }
    !ak.title.is_empty() && ak.title == bk.title
}

/// Add `new` into `have`: duplicates keep the first one's source and link, take the newest date and
/// the union of tags. Then newest first (undated last, in arrival order), oldest dropped past `max`.
pub fn merge(have: &mut Vec<Headline>, new: Vec<Headline>, max: usize) {
    let mut have_keys: Vec<Keys> = have.iter().map(keys).collect();
    for h in new {
        let hk = keys(&h);
        match have.iter().zip(&have_keys).position(|x| same_story(x, (&h, &hk))) {
            Some(i) => {
                let x = &mut have[i];
                if h.published > x.published {
                    x.published = h.published;
                }
                for s in h.symbols {
                    if !x.symbols.contains(&s) {
                        x.symbols.push(s);
                    }
                }
                if x.summary.is_none() {
                    x.summary = h.summary;
                }
            }
            None => {
                have.push(h);
                have_keys.push(hk);
            }
        }
    }
    sort_newest_first(have);
    have.truncate(max);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn h(title: &str, link: &str, at: Option<&str>, source: &str) -> Headline {
        Headline {
            title: title.into(),
            link: link.into(),
            source: source.into(),
            published: at.map(|s| s.parse::<DateTime<Utc>>().unwrap()),
            symbols: vec![],
            feed: "f".into(),
            summary: None,
            guid: None,
        }
    }

    #[test]
    fn link_keys_ignore_scheme_slash_and_tracking() {
        let a = link_key("https://finance.yahoo.com/news/smic-1.html?.tsrc=rss").unwrap();
        let b = link_key("http://finance.yahoo.com/news/smic-1.html/").unwrap();
        let c =
            link_key("https://www.finance.yahoo.com/news/smic-1.html?utm_source=x&guccounter=1#top").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_ne!(link_key("https://x.com/a?id=1").unwrap(), link_key("https://x.com/a?id=2").unwrap());
    }

    #[test]
    fn titles_fold() {
        assert_eq!(title_key("SMIC: Sales  Jump!"), title_key("smic sales jump"));
        assert_eq!(title_key("中芯国际，扩产"), "中芯国际 扩产");
    }

    #[test]
    fn merge_dedupes_keeps_first_source_and_newest_date() {
        let mut have = vec![h("SMIC jumps", "https://a.com/1", Some("2026-11-24T10:00:00Z"), "Reuters")];
        merge(
            &mut have,
            vec![
                h("SMIC jumps", "http://a.com/1/?utm_medium=rss", Some("2026-11-24T11:00:00Z"), "Yahoo"),
                h("smic JUMPS!", "https://b.com/other", None, "Google"),
                h("Hua Hong falls", "https://b.com/2", Some("2026-11-24T09:00:00Z"), "Caixin"),
                h("Undated", "https://b.com/3", None, "X"),
            ],
            10,
        );
        assert_eq!(have.len(), 3);
        assert_eq!(have[0].source, "Reuters");
        assert_eq!(have[0].published.unwrap().to_rfc3339(), "2026-11-24T11:00:00+00:00");
        assert_eq!(have[1].title, "Hua Hong falls");
        assert_eq!(have[2].title, "Undated", "undated after dated");
    }

    #[test]
    fn oldest_dropped_first() {
        let mut have = Vec::new();
        let items = (0..5)
            .map(|i| {
                h(
                    &format!("t{i}"),
                    &format!("https://a.com/{i}"),
                    Some(&format!("2026-11-24T0{i}:00:00Z")),
                    "s",
                )
            })
            .collect();
        merge(&mut have, items, 3);
        let titles: Vec<&str> = have.iter().map(|x| x.title.as_str()).collect();
        assert_eq!(titles, vec!["t4", "t3", "t2"]);
    }
}
