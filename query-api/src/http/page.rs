//! Keyset pages: the store fetches one row more than the page holds, so the
//! handler can tell whether a next page exists without a count.

/// Cuts `rows` (fetched with `limit + 1`) down to `limit`; when a row was
/// cut, the cursor of the page's last row, which the next page starts after.
pub fn cut<T>(rows: &mut Vec<T>, limit: i64, cursor_of: impl Fn(&T) -> String) -> Option<String> {
    let limit = usize::try_from(limit).unwrap_or(0);
    if rows.len() <= limit {
        return None;
    }
    rows.truncate(limit);
    rows.last().map(cursor_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_next_cursor_only_when_more_rows_than_the_page_holds() {
        let mut rows = vec![1, 2, 3];
        assert_eq!(cut(&mut rows, 3, i32::to_string), None);
        assert_eq!(rows, [1, 2, 3]);
        let mut rows = vec![1, 2, 3, 4];
        assert_eq!(cut(&mut rows, 3, i32::to_string), Some("3".to_owned()));
        assert_eq!(rows, [1, 2, 3]);
        let mut rows: Vec<i32> = Vec::new();
        assert_eq!(cut(&mut rows, 1, i32::to_string), None);
    }
}
