//! Issue 28: official items in the headline pane: a badge before the title, and `f` cycling the
//! pane between all, news and official.

use crate::common;

use chiptape::config::Key;
use chiptape::market::{Headline, HeadlineKind, Symbol};
use chiptape::msg::{DataKind, DataMsg, Msg};
use chiptape::state::{PaneKind, update};
use chiptape::ui::theme::Theme;
use common::{draw, loaded, t0, text};

fn official(id: &str, kind: HeadlineKind, form: Option<&str>, title: &str) -> Headline {
    Headline {
        id: format!("official:{id}"),
        title: title.into(),
        link: format!("https://www.sec.gov/{id}"),
        source: "SEC EDGAR".into(),
        published: Some(t0() - chrono::Duration::minutes(1)),
        symbols: vec![Symbol::parse("0981.HK").unwrap()],
        feed: "SEC EDGAR".into(),
        also_in: vec![],
        feed_id: String::new(),
        also_in_ids: vec![],
        summary: None,
        guid: None,
        kind,
        form: form.map(str::to_string),
    }
}

#[test]
fn official_items_carry_a_badge_and_f_cycles_the_pane() {
    let mut s = loaded(120, 35);
    let items = vec![
        official("a", HeadlineKind::Filing, Some("8-K"), "Q3 results"),
        official("b", HeadlineKind::Rule, None, "Entity List"),
    ];
    let generation = s.generation;
    let msg = Msg::Data(DataMsg {
        generation,
        at: t0(),
        kind: DataKind::News { headlines: items, errors: vec![] },
    });
    update(&mut s, msg, t0());
    let total = s.news_rows().len();
    let buf = draw(&s, 120, 35);
    let screen = text(&buf);
    let theme = Theme::new(&s.config.theme, false);
    for (badge, title) in [("8-K", "Q3 results"), ("RULE", "Entity List")] {
        let row =
            screen.lines().position(|l| l.contains(title)).unwrap_or_else(|| panic!("{title}:\n{screen}"));
        let line = screen.lines().nth(row).unwrap();
        let at = line
            .find(&format!("{badge} {title}"))
            .unwrap_or_else(|| panic!("{badge} before {title}: {line}"));
        let x = unicode_width::UnicodeWidthStr::width(&line[..at]) as u16;
        assert_eq!(buf[(x, row as u16)].bg, theme.badge.bg.unwrap(), "the badge's style: {line}");
    }
    // f: news only, official only, all again.
    update(&mut s, Msg::Key(Key::ch('f')), t0());
    assert_eq!(s.news_kind, PaneKind::News);
    assert_eq!(s.news_rows().len(), total - 2);
    assert!(s.news_rows().iter().all(|h| h.kind == HeadlineKind::News));
    update(&mut s, Msg::Key(Key::ch('f')), t0());
    assert_eq!(s.news_rows().len(), 2);
    let screen = text(&draw(&s, 120, 35));
    assert!(screen.contains("Headlines · official"), "{screen}");
    update(&mut s, Msg::Key(Key::ch('f')), t0());
    assert_eq!((s.news_kind, s.news_rows().len()), (PaneKind::All, total));
}
