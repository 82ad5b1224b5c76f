//! Which feeds a config fetches, as headlines know them: by an id from the feed's address, so a new
//! name is the same feed and a new address is another one.

use super::{Feed, NewsConfig, YAHOO_FEED, YAHOO_FEED_ID};
use crate::market::Headline;
use crate::market::news::{FeedRef, OFFICIAL_ID_PREFIX, adopt_feed_ids, retain_feeds};

impl Feed {
    /// The feed's id: its address hashed (FNV-1a, 64 bits), the same in every build and version.
    pub fn id(&self) -> String {
        let hash = self
            .url
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
        format!("{hash:016x}")
    }

    pub fn feed_ref(&self) -> FeedRef {
        FeedRef::new(self.id(), self.name.clone())
    }
}

impl NewsConfig {
    /// The feeds this config fetches, Yahoo's per-symbol headlines included.
    pub fn feed_refs(&self) -> Vec<FeedRef> {
        let mut refs: Vec<FeedRef> = self.feeds.iter().map(Feed::feed_ref).collect();
        if self.yahoo_symbols {
            refs.push(FeedRef::new(YAHOO_FEED_ID, YAHOO_FEED));
        }
        refs
    }

    /// The feeds `self` fetches that `new` no longer fetches (removed, or pointed at another URL;
    /// a feed only renamed is the same feed): their headlines go, unless another feed carries them.
    pub fn feeds_gone_in(&self, new: &NewsConfig) -> Vec<FeedRef> {
        let mut gone: Vec<FeedRef> = self
            .feeds
            .iter()
            .filter(|f| !new.feeds.iter().any(|n| n.url == f.url))
            .map(Feed::feed_ref)
            .collect();
        fn yahoo(n: &NewsConfig) -> Option<&str> {
            n.yahoo_symbols.then_some(n.yahoo_rss_url.as_str())
        }
        if yahoo(self).is_some() && yahoo(self) != yahoo(new) {
            gone.push(FeedRef::new(YAHOO_FEED_ID, YAHOO_FEED));
        }
        gone
    }

    /// Headlines kept from an earlier run, narrowed to the feeds this config fetches (as a reload
    /// would have done). Those cached before feeds had ids get the id of the feed of their name.
    pub fn keep_configured(&self, headlines: &mut Vec<Headline>) {
        let refs = self.feed_refs();
        adopt_feed_ids(headlines, |name| refs.iter().find(|r| r.name == name).map(|r| r.id.clone()));
        // Official items are not from a feed: they stay, as the official sources keep them.
        retain_feeds(headlines, |id, name| {
            id.starts_with(OFFICIAL_ID_PREFIX) || refs.iter().any(|r| r.matches(id, name))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn news(feeds: &[(&str, &str)]) -> NewsConfig {
        let mut n = super::super::builtin().news;
        n.feeds = feeds
            .iter()
            .map(|(name, url)| Feed { name: (*name).into(), url: (*url).into(), tz: None })
            .collect();
        n
    }

    fn story(title: &str, feed: &FeedRef) -> Headline {
        Headline {
            id: title.into(),
            title: title.into(),
            link: String::new(),
            source: "Wire".into(),
            published: None,
            symbols: vec![],
            feed: feed.name.clone(),
            also_in: vec![],
            feed_id: feed.id.clone(),
            also_in_ids: vec![],
            summary: None,
            guid: None,
            kind: crate::market::HeadlineKind::News,
            form: None,
        }
    }

    #[test]
    fn ids_follow_the_address_not_the_name() {
        let a = Feed { name: "Wire".into(), url: "https://wire.example/rss".into(), tz: None };
        let renamed = Feed { name: "Chip Wire".into(), ..a.clone() };
        let moved = Feed { url: "https://wire.example/atom".into(), ..a.clone() };
        assert_eq!(a.id(), renamed.id());
        assert_ne!(a.id(), moved.id());
        assert_eq!(a.id().len(), 16);
        assert_eq!(Feed { url: String::new(), ..a }.id(), "cbf29ce484222325", "FNV-1a's offset basis");
    }

    /// Renaming a feed keeps its headlines; pointing it at another address is another feed.
    #[test]
    fn a_renamed_feed_is_not_gone_and_a_moved_one_is() {
        let old = news(&[("Wire", "https://wire.example/rss"), ("Desk", "https://desk.example/rss")]);
        let renamed =
            news(&[("Chip Wire", "https://wire.example/rss"), ("Desk", "https://desk.example/rss")]);
        assert!(old.feeds_gone_in(&renamed).is_empty());
        let moved = news(&[("Wire", "https://wire.example/atom"), ("Desk", "https://desk.example/rss")]);
        assert_eq!(old.feeds_gone_in(&moved), vec![old.feeds[0].feed_ref()]);
        let mut no_yahoo = renamed.clone();
        no_yahoo.yahoo_symbols = false;
        assert_eq!(old.feeds_gone_in(&no_yahoo), vec![FeedRef::new(YAHOO_FEED_ID, YAHOO_FEED)]);
    }

    /// At start, the cache's headlines of a renamed feed stay; those cached before ids are matched
    /// by name (and given the id), as before.
    #[test]
    fn cached_headlines_are_kept_by_id_or_else_by_name() {
        let cfg = news(&[("Chip Wire", "https://wire.example/rss"), ("Desk", "https://desk.example/rss")]);
        let renamed = FeedRef::new(cfg.feeds[0].id(), "Wire");
        let moved = FeedRef::new(
            Feed { url: "https://desk.example/atom".into(), ..cfg.feeds[1].clone() }.id(),
            "Desk",
        );
        let old_desk = FeedRef::new("", "Desk");
        let old_gone = FeedRef::new("", "Gone");
        let mut have: Vec<Headline> = [&renamed, &moved, &old_desk, &old_gone]
            .iter()
            .enumerate()
            .map(|(i, f)| story(&format!("s{i}"), f))
            .collect();
        cfg.keep_configured(&mut have);
        let kept: Vec<(&str, &str)> = have.iter().map(|h| (h.title.as_str(), h.feed_id.as_str())).collect();
        let desk = cfg.feeds[1].id();
        assert_eq!(kept, [("s0", renamed.id.as_str()), ("s2", desk.as_str())]);
    }

    /// The official sources' items are not from a configured feed: the cache keeps them at start.
    #[test]
    fn cached_official_items_are_kept() {
        let cfg = news(&[("Desk", "https://desk.example/rss")]);
        let sec = FeedRef::new(format!("{}sec", crate::market::news::OFFICIAL_ID_PREFIX), "SEC EDGAR");
        let gone = FeedRef::new("0123456789abcdef", "Gone");
        let mut have = vec![story("8-K", &sec), story("old", &gone)];
        cfg.keep_configured(&mut have);
        let kept: Vec<&str> = have.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(kept, ["8-K"]);
    }
}
