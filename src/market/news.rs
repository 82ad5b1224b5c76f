//! Merging headlines from many feeds: one story once, newest first, at most `max`.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
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

/// Where each story already merged can be found by what identifies it: a lookup per new item, so
/// merging stays near-linear (comparing every new item with every kept one took 54 s for 85k items).
#[derive(Default)]
struct Index {
    by_link: HashMap<String, usize>,
    by_title: HashMap<String, usize>,
    by_guid: HashMap<String, usize>,
}

impl Index {
    fn add(&mut self, h: &Headline, i: usize) {
        if let Some(l) = link_key(&h.link) {
            self.by_link.entry(l).or_insert(i);
        }
        let t = title_key(&h.title);
        if !t.is_empty() {
            self.by_title.entry(t).or_insert(i);
        }
        if let Some(g) = &h.guid {
            self.by_guid.entry(g.clone()).or_insert(i);
        }
    }

    /// The story `h` repeats, if any: the same guid, the same folded title, or the same link in
    /// another feed. Within one feed a shared link is no proof (some feeds link every item to their
    /// home page).
    fn find(&self, have: &[Headline], h: &Headline) -> Option<usize> {
        if let Some(i) = h.guid.as_ref().and_then(|g| self.by_guid.get(g)) {
            return Some(*i);
        }
        let t = title_key(&h.title);
        if let Some(i) = self.by_title.get(&t).filter(|_| !t.is_empty()) {
            return Some(*i);
        }
        let i = *link_key(&h.link).and_then(|l| self.by_link.get(&l))?;
        (!have[i].carried_by((&h.feed_id, &h.feed))).then_some(i)
    }
}

/// The feed id of every official source's items ("official:sec"): they are not feeds of the config.
pub const OFFICIAL_ID_PREFIX: &str = "official:";

/// A headline's identity for selection and read marks: its link with its title, so stories that
/// share a link (or have none) stay apart.
pub fn identity(link: &str, title: &str) -> String {
    format!("{link}\u{1f}{title}")
}

/// How far ahead of our clock a date may be (clocks differ) before it counts as a wrong one.
pub fn future_slack() -> Duration {
    Duration::minutes(10)
}

/// Add `new` into `have`: duplicates keep the first one's source and link, take the newest date and
/// the union of tags and feeds. Then newest first (undated last, in arrival order), oldest dropped
/// past `max`. With `seen_at` (the time of this merge), a date more than ten minutes ahead is a feed
/// with a wrong clock: the story is dated when it was first seen, and never moved up again by it.
pub fn merge(have: &mut Vec<Headline>, new: Vec<Headline>, max: usize, seen_at: Option<DateTime<Utc>>) {
    let mut index = Index::default();
    for (i, h) in have.iter().enumerate() {
        index.add(h, i);
    }
    for mut h in new {
        let feeds: Vec<(String, String)> = h.feeds().map(|(id, name)| (id.into(), name.into())).collect();
        let ahead = seen_at.filter(|now| h.published.is_some_and(|p| p > *now + future_slack()));
        match index.find(have, &h) {
            Some(i) => {
                let x = &mut have[i];
                if ahead.is_none() && h.published > x.published {
                    x.published = h.published;
                }
                for (id, name) in feeds {
                    if !x.carried_by((&id, &name)) {
                        x.add_feed(id, name);
                    }
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
                if let Some(now) = ahead {
                    h.published = Some(now);
                }
                index.add(&h, have.len());
                have.push(h);
            }
        }
    }
    sort_newest_first(have);
    have.truncate(max);
}

/// A feed as headlines know it: by its id, and by its name where a headline was cached before
/// feeds had ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRef {
    pub id: String,
    pub name: String,
}

impl FeedRef {
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> FeedRef {
        FeedRef { id: id.into(), name: name.into() }
    }

    /// The feed a headline names as (`id`, `name`) is this one.
    pub fn matches(&self, id: &str, name: &str) -> bool {
        same_feed((&self.id, &self.name), (id, name))
    }
}

/// Two feeds given as (id, name) are one: the same id, or the same name where either has no id.
fn same_feed(a: (&str, &str), b: (&str, &str)) -> bool {
    if a.0.is_empty() || b.0.is_empty() { a.1 == b.1 } else { a.0 == b.0 }
}

impl Headline {
    /// The short badge an official item carries in a list: its form or category, else what it is.
    /// `None` for news.
    pub fn badge(&self) -> Option<&str> {
        match self.kind {
            super::HeadlineKind::News => None,
            super::HeadlineKind::Filing => {
                Some(self.form.as_deref().filter(|f| !f.is_empty()).unwrap_or("FILING"))
            }
            super::HeadlineKind::Rule => {
                Some(self.form.as_deref().filter(|f| !f.is_empty()).unwrap_or("RULE"))
            }
        }
    }

    /// Every feed that carries the story as (id, name), its own first; the id is empty where a
    /// headline was cached before feeds had ids.
    pub fn feeds(&self) -> impl Iterator<Item = (&str, &str)> {
        let ids = &self.also_in_ids;
        let others =
            self.also_in.iter().enumerate().map(|(i, n)| (ids.get(i).map_or("", String::as_str), n.as_str()));
        std::iter::once((self.feed_id.as_str(), self.feed.as_str())).chain(others)
    }

    /// `feed` (id, name) carries the story.
    pub fn carried_by(&self, feed: (&str, &str)) -> bool {
        self.feeds().any(|f| same_feed(f, feed))
    }

    /// One more feed that carries the story.
    fn add_feed(&mut self, id: String, name: String) {
        if !id.is_empty() || !self.also_in_ids.is_empty() {
            self.also_in_ids.resize(self.also_in.len(), String::new());
            self.also_in_ids.push(id);
        }
        self.also_in.push(name);
    }

    /// The other feeds, set anew.
    fn set_others(&mut self, others: Vec<(String, String)>) {
        self.also_in.clear();
        self.also_in_ids.clear();
        for (id, name) in others {
            self.add_feed(id, name);
        }
    }
}

/// Keep on every headline only the feeds `keep` accepts (given id and name); a headline no feed
/// is left to carry goes, and one whose own feed goes is carried by the next.
pub fn retain_feeds(have: &mut Vec<Headline>, keep: impl Fn(&str, &str) -> bool) {
    have.retain_mut(|h| {
        if h.feeds().skip(1).any(|(id, name)| !keep(id, name)) {
            let others = h
                .feeds()
                .skip(1)
                .filter(|(id, name)| keep(id, name))
                .map(|(i, n)| (i.into(), n.into()))
                .collect();
            h.set_others(others);
        }
        if !keep(&h.feed_id, &h.feed) {
            if h.also_in.is_empty() {
                return false;
            }
            h.feed = h.also_in.remove(0);
            h.feed_id = if h.also_in_ids.is_empty() { String::new() } else { h.also_in_ids.remove(0) };
        }
        true
    });
}

/// Take the feeds in `gone` off every headline; a headline no remaining feed carries goes.
pub fn forget_feeds(have: &mut Vec<Headline>, gone: &[FeedRef]) {
    if gone.is_empty() {
        return;
    }
    retain_feeds(have, |id, name| !gone.iter().any(|g| g.matches(id, name)));
}

/// Headlines cached before feeds had ids: each feed without one gets the id `id_of` gives its name.
pub fn adopt_feed_ids(have: &mut [Headline], id_of: impl Fn(&str) -> Option<String>) {
    let id = |id: &str, name: &str| if id.is_empty() { id_of(name).unwrap_or_default() } else { id.into() };
    for h in have {
        if h.feeds().any(|(i, _)| i.is_empty()) {
            h.feed_id = id(&h.feed_id, &h.feed);
            let others = h.feeds().skip(1).map(|(i, n)| (id(i, n), n.to_string())).collect();
            h.set_others(others);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn h(title: &str, link: &str, at: Option<&str>, source: &str) -> Headline {
        Headline {
            id: identity(link, title),
            title: title.into(),
            link: link.into(),
            source: source.into(),
            published: at.map(|s| s.parse::<DateTime<Utc>>().unwrap()),
            symbols: vec![],
            feed: "f".into(),
            also_in: vec![],
            feed_id: String::new(),
            also_in_ids: vec![],
            summary: None,
            guid: None,
            kind: crate::market::HeadlineKind::News,
            form: None,
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
            None,
        );
        assert_eq!(have.len(), 3);
        assert_eq!(have[0].source, "Reuters");
        assert_eq!(have[0].published.unwrap().to_rfc3339(), "2026-11-24T11:00:00+00:00");
        assert_eq!(have[1].title, "Hua Hong falls");
        assert_eq!(have[2].title, "Undated", "undated after dated");
    }

    /// A feed whose clock is hours ahead: its story is dated when first seen and stays there.
    #[test]
    fn dates_from_the_future_count_from_first_sight() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let now = t("2026-12-02T02:00:00Z");
        let ahead = || h("SMIC from the future", "https://a.com/f", Some("2026-12-02T16:00:00Z"), "Sina");
        let soon = h("Five minutes fast", "https://a.com/s", Some("2026-12-02T02:05:00Z"), "Wire");
        let older = h("Older", "https://a.com/o", Some("2026-12-02T01:00:00Z"), "Wire");
        let mut have = Vec::new();
        merge(&mut have, vec![older, ahead(), soon], 10, Some(now));
        let got: Vec<(&str, String)> =
            have.iter().map(|x| (x.title.as_str(), x.published.unwrap().to_rfc3339())).collect();
        assert_eq!(
            got,
            vec![
                ("Five minutes fast", "2026-12-02T02:05:00+00:00".to_string()),
                ("SMIC from the future", "2026-12-02T02:00:00+00:00".to_string()),
                ("Older", "2026-12-02T01:00:00+00:00".to_string()),
            ]
        );
        // The next fetch an hour later brings the same future date: the story does not jump up again.
        merge(&mut have, vec![ahead()], 10, Some(t("2026-12-02T03:00:00Z")));
        assert_eq!(have[1].published, Some(now));
        // Without a time of sight (merging one fetch's feeds), dates stay as written.
        let mut raw = Vec::new();
        merge(&mut raw, vec![ahead()], 10, None);
        assert_eq!(raw[0].published, Some(t("2026-12-02T16:00:00Z")));
    }

    #[test]
    fn removed_feeds_take_only_their_own_headlines() {
        let mut a = h("Only in A", "https://a.com/1", Some("2026-11-24T10:00:00Z"), "s");
        a.feed = "A".into();
        let mut both = h("In A and B", "https://a.com/2", Some("2026-11-24T09:00:00Z"), "s");
        both.feed = "A".into();
        let mut b = both.clone();
        b.feed = "B".into();
        let mut have = Vec::new();
        merge(&mut have, vec![a, both], 10, None);
        merge(&mut have, vec![b], 10, None);
        assert_eq!(have[1].also_in, vec!["B".to_string()]);
        forget_feeds(&mut have, &[FeedRef::new("a", "A")]);
        assert_eq!(have.len(), 1);
        assert_eq!(have[0].title, "In A and B");
        assert_eq!(have[0].feed, "B", "the feed that still carries it");
        assert!(have[0].also_in.is_empty());
        forget_feeds(&mut have, &[FeedRef::new("b", "B")]);
        assert!(have.is_empty());
    }

    /// Feeds are one feed by id; a headline cached before ids is matched by its feed's name.
    #[test]
    fn feeds_are_matched_by_id_and_by_name_only_without_one() {
        let with = |title: &str, link: &str, id: &str, name: &str| {
            let mut x = h(title, link, Some("2026-11-24T10:00:00Z"), "s");
            (x.feed_id, x.feed) = (id.into(), name.into());
            x
        };
        // One id under two names is one feed: a shared link is no proof of one story.
        let mut have = vec![with("Home", "https://a.com/", "a", "Wire")];
        merge(&mut have, vec![with("Other", "https://a.com/", "a", "Chip Wire")], 10, None);
        assert_eq!(have.len(), 2);
        // Two ids under one name are two feeds: the same link is the same story, carried by both.
        merge(&mut have, vec![with("Again", "https://a.com/", "b", "Wire")], 10, None);
        assert_eq!(have.len(), 2);
        assert_eq!(
            (have[0].also_in.clone(), have[0].also_in_ids.clone()),
            (vec!["Wire".into()], vec!["b".into()])
        );
        // Forgetting "a" by id hands the story to "b", name and id.
        let mut old = with("Cached", "https://c.com/", "", "Desk");
        old.also_in = vec!["Old".into()];
        have.push(old);
        forget_feeds(&mut have, &[FeedRef::new("a", "Chip Wire")]);
        assert_eq!(
            have.iter().map(|x| (x.feed_id.as_str(), x.feed.as_str())).collect::<Vec<_>>(),
            [("b", "Wire"), ("", "Desk")]
        );
        assert!(have[0].also_in.is_empty() && have[0].also_in_ids.is_empty());
        // Without an id, the name decides.
        forget_feeds(&mut have, &[FeedRef::new("d", "Desk")]);
        assert_eq!((have[1].feed.as_str(), have[1].feed_id.as_str()), ("Old", ""));
        adopt_feed_ids(&mut have, |name| (name == "Old").then(|| "o".to_string()));
        assert_eq!((have[0].feed_id.as_str(), have[1].feed_id.as_str()), ("b", "o"));
    }

    /// A headline cached before kinds and feed ids loads as news with no form and no feed id; the
    /// defaults are not written back.
    #[test]
    fn headlines_cached_before_kinds_and_ids_load() {
        let old =
            r#"{"id":"i","title":"t","link":"","source":"s","published":null,"symbols":[],"feed":"Wire"}"#;
        let x: Headline = serde_json::from_str(old).unwrap();
        assert_eq!(
            (x.kind, x.form.as_deref(), x.feed_id.as_str()),
            (crate::market::HeadlineKind::News, None, "")
        );
        let again = serde_json::to_value(&x).unwrap();
        assert!(["kind", "form", "feed_id", "also_in_ids"].iter().all(|k| again.get(k).is_none()), "{again}");
        let filing = Headline { kind: crate::market::HeadlineKind::Filing, form: Some("8-K".into()), ..x };
        let v = serde_json::to_value(&filing).unwrap();
        assert_eq!((&v["kind"], &v["form"]), (&serde_json::json!("filing"), &serde_json::json!("8-K")));
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
        merge(&mut have, items, 3, None);
        let titles: Vec<&str> = have.iter().map(|x| x.title.as_str()).collect();
        assert_eq!(titles, vec!["t4", "t3", "t2"]);
    }
}
