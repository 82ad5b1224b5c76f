//! The discreet mode (`x`, `discreet = true`): every screen that shows the user's money (the
//! watchlist's position columns, the summary, the detail view, the alert log and the status bar's
//! alert notice) writes `•••` for amounts, quantities and alert levels; prices and percentages stay.

use crate::common;
use crate::screen::{quotes_msg, with_positions};

use chiptape::config::Key;
use chiptape::market::Symbol;
use chiptape::market::alerts::Fired;
use chiptape::msg::{Effect, Msg};
use chiptape::present::money::{HIDDEN_TEXT, Money};
use chiptape::state::{State, update};
use common::{draw, t0, text};

fn smic() -> Symbol {
    Symbol::parse("0981.HK").unwrap()
}

/// The texts of SMIC's position (2,000 shares at 45.80) as the screen writes them when shown.
fn smic_amounts(s: &State) -> Vec<String> {
    let held = s.portfolio().unwrap().holdings[&smic()].clone();
    let m = Money::SHOWN;
    vec![
        m.amount(held.value_base.unwrap()),
        m.signed_amount(held.day_pnl_base.unwrap()),
        m.exact(held.quantity),
        m.price(held.avg_cost),
        m.change(held.total_pnl.unwrap()),
    ]
}

fn press(s: &mut State, c: char) -> Vec<Effect> {
    update(s, Msg::Key(Key::ch(c)), t0()).effects
}

fn line_with(screen: &str, needle: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no {needle:?} in\n{screen}"))
        .to_string()
}

/// The watchlist's position columns and the summary: `•••` on the frame right after `x`, the
/// price and the percentages still there; `x` again brings the amounts back on the next frame.
#[test]
fn the_watchlist_and_the_summary_hide_amounts_on_the_next_frame() {
    let mut s = with_positions(200, 60);
    let amounts = smic_amounts(&s);
    let shown = text(&draw(&s, 200, 60));
    let row = line_with(&shown, "0981.HK");
    assert!(row.contains(&amounts[0]) && row.contains(&amounts[1]), "shown first: {row}");
    assert!(!shown.contains(HIDDEN_TEXT), "{shown}");

    press(&mut s, 'x');
    let hidden = text(&draw(&s, 200, 60));
    let row = line_with(&hidden, "0981.HK");
    assert!(row.contains(HIDDEN_TEXT), "{row}");
    for a in &amounts[..2] {
        assert!(!row.contains(a.as_str()), "{a} still in {row}");
    }
    let price = s.quotes[&smic()].quote.as_ref().unwrap().price.unwrap();
    assert!(row.contains(&chiptape::present::number::price(price)), "the price stays: {row}");
    let pct = s.portfolio().unwrap().holdings[&smic()].total_pnl_pct.unwrap();
    assert!(row.contains(&chiptape::present::number::pct(pct)), "P&L % stays: {row}");

    let summary = line_with(&hidden, "Σ");
    let t = s.portfolio().unwrap().totals;
    assert!(summary.contains("Σ ••• USD · day •••"), "{summary}");
    assert!(summary.contains("P&L •••"), "{summary}");
    assert!(!summary.contains(&Money::SHOWN.amount(t.value)), "{summary}");
    if let Some(p) = t.total_pnl_pct {
        assert!(summary.contains(&chiptape::present::number::pct(p)), "{summary}");
    }
    let status = hidden.lines().last().unwrap();
    assert!(status.contains(HIDDEN_TEXT), "the status bar marks the mode: {status}");

    press(&mut s, 'x');
    let again = text(&draw(&s, 200, 60));
    assert!(line_with(&again, "0981.HK").contains(&amounts[0]), "{again}");
    assert!(!again.lines().last().unwrap().starts_with(HIDDEN_TEXT), "the mark is gone");
}

/// At 80x24 the summary is cut to the width: cut or not, no figure of it shows.
#[test]
fn the_summary_hides_amounts_at_80x24() {
    let mut s = with_positions(80, 24);
    let t = s.portfolio().unwrap().totals;
    press(&mut s, 'x');
    let screen = text(&draw(&s, 80, 24));
    let summary = line_with(&screen, "Σ");
    assert!(summary.contains("Σ •••"), "{summary}");
    for a in [Money::SHOWN.amount(t.value), Money::SHOWN.signed_amount(t.day_pnl)] {
        assert!(!summary.contains(&a), "{a} in {summary}");
    }
}

/// The detail view's position line: quantity and average cost, the P&L amounts hidden, the P&L
/// percentage kept.
#[test]
fn the_detail_view_hides_the_position() {
    let mut s = with_positions(120, 40);
    let amounts = smic_amounts(&s);
    s.open_detail(smic());
    let shown = text(&draw(&s, 120, 40));
    let position = line_with(&shown, "Position");
    assert!(position.contains(&amounts[2]) && position.contains(&amounts[3]), "{position}");

    press(&mut s, 'x');
    let hidden = text(&draw(&s, 120, 40));
    let position = line_with(&hidden, "Position");
    assert!(position.contains("••• @ •••"), "{position}");
    let pnl = line_with(&hidden, "P&L");
    assert!(pnl.contains(HIDDEN_TEXT) && !pnl.contains(&amounts[4]), "{pnl}");
    let pct = s.portfolio().unwrap().holdings[&smic()].total_pnl_pct.unwrap();
    assert!(pnl.contains(&chiptape::present::number::pct(pct)), "{pnl}");
}

/// The alert log: a price rule's level is the user's own figure and hidden; the price it fired at
/// is the market's and shown. An entry from a log written before levels were kept apart is hidden
/// too once loaded.
#[test]
fn the_alert_log_hides_levels_and_keeps_market_prices() {
    let mut s = common::loaded(120, 40);
    let mut old = Fired {
        at: t0() - chrono::Duration::minutes(50),
        symbol: Some(Symbol::parse("NVDA").unwrap()),
        what: "below 1,170.25".into(),
        level: None,
        price: Some(1169.5),
        headline: None,
    };
    old.split_level();
    s.alerts.log = vec![
        old,
        Fired {
            at: t0() - chrono::Duration::minutes(5),
            symbol: Some(smic()),
            what: "above".into(),
            level: Some(70.0),
            price: Some(70.35),
            headline: None,
        },
    ];
    press(&mut s, 'A');
    let shown = text(&draw(&s, 120, 40));
    assert!(shown.contains("0981.HK above 70.00 at 70.35"), "{shown}");
    assert!(
        shown.contains("NVDA below 1,170.25 at 1,169.50") || shown.contains("NVDA below 1170.25"),
        "{shown}"
    );

    s.discreet = true;
    let hidden = text(&draw(&s, 120, 40));
    assert!(hidden.contains("0981.HK above ••• at 70.35"), "{hidden}");
    assert!(hidden.contains("NVDA below ••• at"), "{hidden}");
    assert!(
        !hidden.contains("70.00") && !hidden.contains("1170.25") && !hidden.contains("1,170.25"),
        "{hidden}"
    );
}

/// An alert that fires in the discreet mode: the status bar, the message log and the alert
/// command (a desktop notification is on the screen too) say `above •••`.
#[test]
fn an_alert_fired_in_the_discreet_mode_names_no_level() {
    use chiptape::market::Quote;
    let mut cfg = chiptape::config::parse_str(
        "discreet = true\nalerts_command = [\"notify-send\"]\n[[groups]]\nname = \"G\"\nsymbols = [\"0981.HK\"]\n\
         [[alerts]]\nsymbol = \"0981.HK\"\nabove = 70.0\n",
        "c.toml",
    )
    .unwrap();
    cfg.news.feeds.clear();
    let mut s = State::new(cfg, false, t0());
    assert!(s.discreet, "discreet = true starts hidden");
    update(&mut s, Msg::Resize(120, 30), t0());
    let q = Quote { symbol: smic(), price: Some(71.2), time: Some(t0()), ..Quote::default() };
    let msg = quotes_msg(&s, vec![(smic(), Ok(q))]);
    let effects = update(&mut s, msg, t0()).effects;
    let command = effects.iter().find_map(|e| match e {
        Effect::AlertCommand(t) => Some(t.clone()),
        _ => None,
    });
    assert_eq!(command.as_deref(), Some("0981.HK above ••• at 71.20"));
    let screen = text(&draw(&s, 120, 30));
    let status = screen.lines().last().unwrap();
    assert!(status.contains("alert: 0981.HK above ••• at 71.20"), "{status}");
    assert!(!screen.contains("70.00"), "{screen}");
    press(&mut s, 'A');
    update(&mut s, Msg::Key(Key::plain(chiptape::config::KeyCode::Tab)), t0());
    let log = text(&draw(&s, 120, 30));
    assert!(log.contains("above ••• at 71.20") && !log.contains("70.00"), "the message log: {log}");
    // Shown again, the same entries name the level.
    press(&mut s, 'x');
    let log = text(&draw(&s, 120, 30));
    assert!(log.contains("above 70.00 at 71.20"), "{log}");
}

/// A reload that changes `discreet` applies it; one that leaves it alone keeps what `x` chose.
#[test]
fn a_config_edit_of_discreet_applies_and_others_keep_the_toggle() {
    let parse = |extra: &str| {
        chiptape::config::parse_str(
            &format!("{extra}[[groups]]\nname = \"G\"\nsymbols = [\"NVDA\"]\n"),
            "c.toml",
        )
        .unwrap()
    };
    let mut s = State::new(parse(""), false, t0());
    assert!(!s.discreet);
    press(&mut s, 'x');
    assert!(s.discreet);
    update(&mut s, Msg::Config(Box::new(Ok(parse("refresh_secs = 20\n")))), t0());
    assert!(s.discreet, "an unrelated edit keeps the toggle");
    update(&mut s, Msg::Config(Box::new(Ok(parse("discreet = true\n")))), t0());
    update(&mut s, Msg::Config(Box::new(Ok(parse("discreet = false\n")))), t0());
    assert!(!s.discreet, "editing the key applies it");
}
