//! Cursor pagination: `{next, prev, results}` with opaque base64 cursors.
//!
//! Cursors use the URL-safe base64 alphabet without padding, so a client may paste them into a
//! query string unescaped. Results are newest first. A cursor names the sort key of the page edge (`n:` = older than
//! it, `p:` = newer than it), so pages stay stable while new items arrive.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use super::error::{ApiError, ApiResult};

/// Default page size.
pub const DEFAULT_PAGE_SIZE: usize = 100;

/// A paginated response body.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    /// Cursor for older items, `null` at the end.
    pub next: Option<String>,
    /// Cursor for newer items, `null` at the start.
    pub prev: Option<String>,
    /// This page, newest first.
    pub results: Vec<T>,
}

#[derive(Debug)]
enum Direction {
    Older,
    Newer,
}

/// Paging parameters from the query string.
#[derive(Debug)]
pub struct PageQuery {
    cursor: Option<(Direction, String)>,
    page_size: usize,
    start_at: Option<u64>,
    end_at: Option<u64>,
}

impl PageQuery {
    /// Reads `cursor`, `page_size` (1..=`max_page_size`), `start_at`, `end_at`.
    ///
    /// # Errors
    /// 400 on a malformed cursor or number, or a page size out of range.
    pub fn parse(query: &HashMap<String, String>, max_page_size: usize) -> ApiResult<Self> {
        let page_size = match query.get("page_size") {
            Some(v) => v
                .parse::<usize>()
                .map_err(|_| ApiError::invalid_parameter("page_size must be an integer"))?,
            None => DEFAULT_PAGE_SIZE.min(max_page_size),
        };
        if page_size == 0 || page_size > max_page_size {
            return Err(ApiError::invalid_parameter(format!(
                "page_size must be between 1 and {max_page_size}"
            )));
        }
        let cursor = match query.get("cursor").filter(|c| !c.is_empty()) {
            Some(c) => Some(decode_cursor(c)?),
            None => None,
        };
        Ok(Self {
            cursor,
            page_size,
            start_at: optional_u64(query, "start_at")?,
            end_at: optional_u64(query, "end_at")?,
        })
    }

    /// Pages `items`, given newest first as `(sort key, created_at ms, item)`; keys must
    /// decrease along the list.
    pub fn apply<T>(&self, items: Vec<(String, u64, T)>) -> Page<T> {
        let mut items: Vec<_> = items
            .into_iter()
            .filter(|(_, at, _)| {
                self.start_at.is_none_or(|s| *at >= s) && self.end_at.is_none_or(|e| *at <= e)
            })
            .collect();
        let (start, end) = match &self.cursor {
            None => (0, self.page_size.min(items.len())),
            Some((Direction::Older, key)) => {
                let start = items
                    .iter()
                    .position(|(k, _, _)| k < key)
                    .unwrap_or(items.len());
                (start, (start + self.page_size).min(items.len()))
            }
            Some((Direction::Newer, key)) => {
                let end = items
                    .iter()
                    .position(|(k, _, _)| k <= key)
                    .unwrap_or(items.len());
                (end.saturating_sub(self.page_size), end)
            }
        };
        let next =
            (end < items.len() && end > start).then(|| encode_cursor("n", &items[end - 1].0));
        let prev = (start > 0 && start < items.len()).then(|| encode_cursor("p", &items[start].0));
        let results = items.drain(start..end).map(|(_, _, item)| item).collect();
        Page {
            next,
            prev,
            results,
        }
    }
}

fn optional_u64(query: &HashMap<String, String>, name: &str) -> ApiResult<Option<u64>> {
    query
        .get(name)
        .map(|v| {
            v.parse::<u64>()
                .map_err(|_| ApiError::invalid_parameter(format!("{name} must be an integer")))
        })
        .transpose()
}

fn encode_cursor(direction: &str, key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{direction}:{key}"))
}

fn decode_cursor(cursor: &str) -> ApiResult<(Direction, String)> {
    let bad = || ApiError::invalid_parameter("invalid cursor");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    match text.split_once(':') {
        Some(("n", key)) => Ok((Direction::Older, key.to_owned())),
        Some(("p", key)) => Ok((Direction::Newer, key.to_owned())),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn items() -> Vec<(String, u64, u32)> {
        (0..10u32)
            .rev()
            .map(|i| (format!("{i:03}"), u64::from(i), i))
            .collect()
    }

    #[test]
    fn walks_forward_and_back() {
        let first = PageQuery::parse(&query(&[("page_size", "4")]), 10)
            .unwrap()
            .apply(items());
        assert_eq!(first.results, vec![9, 8, 7, 6]);
        assert!(first.prev.is_none());
        let next = first.next.unwrap();
        let second = PageQuery::parse(&query(&[("page_size", "4"), ("cursor", &next)]), 10)
            .unwrap()
            .apply(items());
        assert_eq!(second.results, vec![5, 4, 3, 2]);
        let third = PageQuery::parse(
            &query(&[
                ("page_size", "4"),
                ("cursor", second.next.as_ref().unwrap()),
            ]),
            10,
        )
        .unwrap()
        .apply(items());
        assert_eq!(third.results, vec![1, 0]);
        assert!(third.next.is_none());
        let back = PageQuery::parse(
            &query(&[
                ("page_size", "4"),
                ("cursor", second.prev.as_ref().unwrap()),
            ]),
            10,
        )
        .unwrap()
        .apply(items());
        assert_eq!(back.results, vec![9, 8, 7, 6]);
    }

    #[test]
    fn filters_by_time_and_rejects_bad_input() {
        let page = PageQuery::parse(&query(&[("start_at", "3"), ("end_at", "5")]), 10)
            .unwrap()
            .apply(items());
        assert_eq!(page.results, vec![5, 4, 3]);
        assert!(PageQuery::parse(&query(&[("page_size", "11")]), 10).is_err());
        assert!(PageQuery::parse(&query(&[("page_size", "0")]), 10).is_err());
        assert!(PageQuery::parse(&query(&[("cursor", "!!")]), 10).is_err());
        assert!(PageQuery::parse(&query(&[("start_at", "x")]), 10).is_err());
    }
}
