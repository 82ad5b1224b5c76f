//! Feed bytes to text, the encoding found in the order of RFC 7303 and WHATWG: a byte-order mark,
//! then the HTTP charset, then the byte pattern of `<?xml` in UTF-16 or UTF-32, then the XML
//! declaration, then UTF-8, and windows-1252 when the bytes are not UTF-8.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// The encodings a feed may come in: encoding_rs's, and UTF-32, which it leaves out (WHATWG drops it).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Enc {
    Web(&'static Encoding),
    Utf32 { big_endian: bool },
}

/// A byte-order mark: the encoding and the mark's length.
fn bom(bytes: &[u8]) -> Option<(Enc, usize)> {
    match bytes {
        [0, 0, 0xFE, 0xFF, ..] => Some((Enc::Utf32 { big_endian: true }, 4)),
        [0xFF, 0xFE, 0, 0, ..] => Some((Enc::Utf32 { big_endian: false }, 4)),
        _ => Encoding::for_bom(bytes).map(|(e, n)| (Enc::Web(e), n)),
    }
}

/// `<?xml` (or any `<`) written in UTF-16 or UTF-32 without a mark: its zero bytes give it away.
fn pattern(bytes: &[u8]) -> Option<Enc> {
    match bytes {
        [0, 0, 0, b'<', ..] => Some(Enc::Utf32 { big_endian: true }),
        [b'<', 0, 0, 0, ..] => Some(Enc::Utf32 { big_endian: false }),
        [0, b'<', 0, _, ..] => Some(Enc::Web(UTF_16BE)),
        [b'<', 0, _, 0, ..] => Some(Enc::Web(UTF_16LE)),
        _ => None,
    }
}

/// The encoding a label names. "UTF-32" labels are ours; the rest are WHATWG's.
fn by_label(label: &str, bytes: &[u8]) -> Option<Enc> {
    let l = label.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    match l.as_str() {
        "utf-32" | "utf32" | "ucs-4" => Some(
            pattern(bytes)
                .filter(|e| matches!(e, Enc::Utf32 { .. }))
                .unwrap_or(Enc::Utf32 { big_endian: true }),
        ),
        "utf-32be" => Some(Enc::Utf32 { big_endian: true }),
        "utf-32le" => Some(Enc::Utf32 { big_endian: false }),
        // "UTF-16" names no byte order: the bytes do, else big-endian as RFC 2781 says.
        "utf-16" | "utf16" | "ucs-2" | "iso-10646-ucs-2" | "unicode" => Some(
            pattern(bytes)
                .filter(|e| matches!(e, Enc::Web(w) if *w == UTF_16LE || *w == UTF_16BE))
                .unwrap_or(Enc::Web(UTF_16BE)),
        ),
        _ => Encoding::for_label(l.as_bytes()).map(Enc::Web),
    }
}

/// The `charset` parameter of a `Content-Type`, if any.
pub fn charset(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']))
            .filter(|v| !v.is_empty())
    })
}

/// The encoding named in `<?xml … encoding="…"?>` at the start of `head`, as written.
fn declared(head: &str) -> Option<&str> {
    let decl = head.trim_start_matches('\u{feff}').strip_prefix("<?xml")?.split("?>").next()?;
    let i = decl.find("encoding")?;
    let rest = decl[i + 8..].trim_start().strip_prefix('=')?.trim_start();
    // Only a real quote opens the value: a curly quote or stray byte here is not a declaration.
    let q = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let body = &rest[q.len_utf8()..];
    Some(&body[..body.find(q)?])
}

fn decode_utf32(bytes: &[u8], big_endian: bool) -> String {
    bytes
        .chunks(4)
        .map(|c| {
            let mut b = [0u8; 4];
            b[..c.len()].copy_from_slice(c);
            let n = if big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) };
            char::from_u32(n).unwrap_or(char::REPLACEMENT_CHARACTER)
        })
        .collect()
}

/// The feed as UTF-8 text. `http_charset` is the `Content-Type`'s charset. Takes the bytes, so a
/// feed already in UTF-8 (most) becomes text without a copy.
pub fn to_utf8(bytes: Vec<u8>, http_charset: Option<&str>) -> String {
    let (enc, skip) = match bom(&bytes) {
        Some(found) => found,
        None => {
            let enc = http_charset
                .and_then(|c| by_label(c, &bytes))
                .or_else(|| pattern(&bytes))
                .or_else(|| {
                    // The declaration is ASCII in every encoding that gets this far.
                    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]);
                    let enc = by_label(declared(&head)?, &bytes)?;
                    // Bytes that read as ASCII cannot be UTF-16 or UTF-32, whatever they declare.
                    Some(enc).filter(|e| matches!(e, Enc::Web(w) if *w != UTF_16LE && *w != UTF_16BE))
                })
                .unwrap_or(Enc::Web(UTF_8));
            (enc, 0)
        }
    };
    match enc {
        Enc::Utf32 { big_endian } => decode_utf32(&bytes[skip..], big_endian),
        Enc::Web(e) if e == UTF_8 => {
            let bytes = if skip == 0 { bytes } else { bytes[skip..].to_vec() };
            String::from_utf8(bytes).unwrap_or_else(|e| {
                // Not UTF-8 after all, and nothing said what it is: the web's default, windows-1252.
                WINDOWS_1252.decode_without_bom_handling(e.as_bytes()).0.into_owned()
            })
        }
        Enc::Web(e) => e.decode_without_bom_handling(&bytes[skip..]).0.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str, big_endian: bool) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
    }

    fn utf32(s: &str, big_endian: bool) -> Vec<u8> {
        s.chars()
            .flat_map(|c| if big_endian { (c as u32).to_be_bytes() } else { (c as u32).to_le_bytes() })
            .collect()
    }

    const FEED: &str = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss><title>Café 中芯</title></rss>";

    #[test]
    fn utf16_and_utf32_without_a_mark_are_read_from_their_zero_bytes() {
        for big_endian in [true, false] {
            assert_eq!(to_utf8(utf16(FEED, big_endian), None), FEED, "UTF-16, big endian {big_endian}");
            let undeclared = FEED.replace(" encoding=\"utf-16\"", "");
            assert_eq!(to_utf8(utf16(&undeclared, big_endian), None), undeclared);
            assert_eq!(to_utf8(utf32(&undeclared, big_endian), None), undeclared, "UTF-32");
        }
    }

    #[test]
    fn a_mark_comes_first_and_is_dropped() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(utf16(FEED, false));
        assert_eq!(to_utf8(bytes, Some("iso-8859-1")), FEED);
        let mut bytes = vec![0, 0, 0xFE, 0xFF];
        bytes.extend(utf32(FEED, true));
        assert_eq!(to_utf8(bytes, None), FEED);
        assert_eq!(to_utf8(b"\xEF\xBB\xBF<rss/>".to_vec(), None), "<rss/>");
    }

    #[test]
    fn the_http_charset_outranks_the_declaration() {
        let (gb, _, _) = encoding_rs::GB18030.encode("<rss><title>中芯国际</title></rss>");
        assert_eq!(to_utf8(gb.to_vec(), Some("gb2312")), "<rss><title>中芯国际</title></rss>");
        let declared = b"<?xml version='1.0' encoding='iso-8859-1'?><t>\xE9</t>".to_vec();
        assert_eq!(to_utf8(declared.clone(), None), "<?xml version='1.0' encoding='iso-8859-1'?><t>é</t>");
        let (gbk, _, _) = encoding_rs::GBK.encode("<?xml version='1.0' encoding='iso-8859-1'?><t>中</t>");
        assert!(to_utf8(gbk.to_vec(), Some("GBK")).ends_with("<t>中</t>"));
        assert_eq!(charset("text/xml; charset=\"GB2312\""), Some("GB2312"));
        assert_eq!(charset("application/rss+xml"), None);
        assert_eq!(charset("text/xml;CHARSET=utf-8"), Some("utf-8"));
    }

    #[test]
    fn bytes_that_are_not_utf8_and_say_nothing_are_windows_1252() {
        assert_eq!(
            to_utf8(b"<t>caf\xE9 \x93quoted\x94</t>".to_vec(), None),
            "<t>café \u{201c}quoted\u{201d}</t>"
        );
        // An ASCII document that claims UTF-16 is not UTF-16.
        assert_eq!(
            to_utf8(b"<?xml version='1.0' encoding='utf-16'?><t/>".to_vec(), None),
            "<?xml version='1.0' encoding='utf-16'?><t/>"
        );
    }

    #[test]
    fn odd_declarations_are_no_declaration() {
        for decl in ["encoding=\u{201c}utf-8\u{201d}", "encoding=\u{fffd}x", "encoding=", "encoding=\"utf-8"]
        {
            let head = format!("<?xml version=\"1.0\" {decl}?><rss/>");
            assert_eq!(to_utf8(head.clone().into_bytes(), None), head);
        }
        assert_eq!(declared("<?xml version='1.0' encoding = 'latin1'?>"), Some("latin1"));
        assert_eq!(declared("<?xml encoding=\u{201c}utf-8\u{201d}?>"), None);
    }
}
