//! HTTP quality values (`q=0.8`, RFC 9110 section 12.4.2), which `Accept`,
//! `Accept-Encoding` and `Accept-Language` share.

/// RFC 9110 qvalue: `0`, `1`, or up to three decimals; in thousandths.
pub fn parse_quality(text: &str) -> Option<u16> {
    let value: f64 = text.parse().ok()?;
    let valid = (0.0..=1.0).contains(&value) && text.len() <= 5 && !text.starts_with(['+', '-']);
    valid.then(|| (value * 1000.0).round() as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_thousandths_and_refuses_the_rest() {
        assert_eq!(parse_quality("1"), Some(1000));
        assert_eq!(parse_quality("0.125"), Some(125));
        assert_eq!(parse_quality("0"), Some(0));
        for bad in ["1.5", "-0", "+1", "0.1234", "q", ""] {
            assert_eq!(parse_quality(bad), None, "{bad}");
        }
    }
}
