//! The customer's side, as far as it decides anything (ours: SuperOffice publishes no
//! customer API): how long a waiting customer may still wait.

/// The wait still ahead of a customer who has waited `waited` seconds, from the topic's
/// running `average` wait (none yet: no estimate). Past the average, the next pickup may
/// come at any moment: 0.
pub fn wait_ahead(average: Option<i64>, waited: i64) -> Option<i64> {
    average.map(|average| (average - waited.max(0)).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_average_less_what_was_waited_never_below_zero() {
        assert_eq!(wait_ahead(Some(90), 30), Some(60));
        assert_eq!(wait_ahead(Some(90), 120), Some(0));
        assert_eq!(wait_ahead(Some(90), -5), Some(90), "a clock running behind");
        assert_eq!(wait_ahead(None, 30), None);
    }
}
