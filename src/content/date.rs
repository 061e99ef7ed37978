//! Dates as people write them, read by one parser: front matter, dated file
//! names and the `date` filter all go through `parse_date`.
//!
//! Accepts a date (`2024-05-01`), an RFC 3339 date-time, a local date-time
//! (`2023-04-09T15:52:10`) and the space-separated form with an optional
//! offset (`2014-12-17 11:16:21 -0800`, as Jekyll writes it). A date or
//! date-time without an offset is in the site's time zone. Every calendar
//! date from year 1 to 9999 is accepted.

use jiff::civil::{DateTime, Time};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};

/// A date from front matter or a file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Date {
    /// One shape whatever was written: `2024-05-01` for a date alone, RFC
    /// 3339 with its offset (`2014-12-17T11:16:21-08:00`) when it has a time.
    pub text: String,
    /// Seconds since the Unix epoch, UTC; midnight for a plain date.
    pub seconds: i64,
    /// The date and time as written, in its own offset.
    local: DateTime,
    /// The offset, or none for a plain date.
    offset: Option<Offset>,
}

/// Why a text is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// It does not have the shape of a date, or names no calendar day.
    NotADate,
    /// Year 0 (or below): no calendar has it.
    YearOutOfRange,
}

/// Parses a date as people write it; local times are in `zone`.
pub fn parse_date(text: &str, zone: &TimeZone) -> Result<Date, DateError> {
    let written = scan(text.trim()).ok_or(DateError::NotADate)?;
    if !(1..=9999).contains(&written.year) {
        return Err(DateError::YearOutOfRange);
    }
    let date = jiff::civil::Date::new(written.year, written.month, written.day)
        .map_err(|_| DateError::NotADate)?;
    let time = match written.time {
        Some((h, m, s, ns)) => Some(Time::new(h, m, s, ns).map_err(|_| DateError::NotADate)?),
        None => None,
    };
    let local = date.to_datetime(time.unwrap_or(Time::midnight()));
    let offset = written.offset.unwrap_or_else(|| offset_in(zone, local));
    let seconds = seconds_since_epoch(local) - i64::from(offset.seconds());
    let text = match time {
        None => date.to_string(),
        Some(_) => rfc3339(local, offset),
    };
    Ok(Date {
        text,
        seconds,
        local,
        offset: time.map(|_| offset),
    })
}

/// The date `text` most likely means, written so that `parse_date` reads
/// it, when it is not one as written: a date and time with a stray number
/// among them (`2023-01-29 18:30:22 2023 -0800`, as some Jekyll posts
/// have it) becomes `2023-01-29 18:30:22 -0800`. `None` when nothing can be
/// dropped without changing what it says, such as a zone's name.
pub fn suggest_date(text: &str) -> Option<String> {
    let mut words = text.split_whitespace();
    let mut kept = vec![words.next()?];
    for word in words {
        if !word.bytes().all(|b| b.is_ascii_digit()) {
            kept.push(word);
        }
    }
    let suggested = kept.join(" ");
    (suggested != text.trim() && scan(&suggested).is_some()).then_some(suggested)
}

/// Splits `2024-05-01-launch` into its date (midnight in `zone`) and `launch`.
pub fn split_date_prefix<'a>(stem: &'a str, zone: &TimeZone) -> Option<(Date, &'a str)> {
    let rest = stem.get(11..).filter(|rest| !rest.is_empty())?;
    if stem.as_bytes()[10] != b'-' {
        return None;
    }
    let date = parse_date(stem.get(..10)?, zone).ok()?;
    Some((date, rest))
}

impl Date {
    /// Formats the date with strftime directives; `%z` and `%H` need a time.
    pub fn format(&self, format: &str) -> Result<String, jiff::Error> {
        let mut broken_down = match self.offset {
            Some(_) => jiff::fmt::strtime::BrokenDownTime::from(self.local),
            None => jiff::fmt::strtime::BrokenDownTime::from(self.local.date()),
        };
        broken_down.set_offset(self.offset);
        broken_down.to_string(format)
    }

    /// Returns the month (1 to 12) and the day of the week (1 for Monday
    /// to 7) of the date as written, for names in another language.
    pub fn month_and_weekday(&self) -> (usize, usize) {
        let date = self.local.date();
        let month = usize::try_from(date.month()).unwrap_or(1);
        let weekday = usize::try_from(date.weekday().to_monday_one_offset()).unwrap_or(1);
        (month, weekday)
    }
}

/// What a date's text holds, before it is checked against the calendar.
struct Written {
    year: i16,
    month: i8,
    day: i8,
    time: Option<(i8, i8, i8, i32)>,
    offset: Option<Offset>,
}

/// Reads `YYYY-MM-DD`, then optionally `T` or a space, `HH:MM[:SS[.f]]`,
/// and an offset (`Z`, `±HH:MM`, `±HHMM`, `±HH`), optionally after a space.
fn scan(text: &str) -> Option<Written> {
    let mut s = Scanner { rest: text };
    let year = s.digits(4)?;
    s.eat(b'-')?;
    let month = s.digits(2)?;
    s.eat(b'-')?;
    let day = s.digits(2)?;
    let mut written = Written {
        year: i16::try_from(year).ok()?,
        month: i8::try_from(month).ok()?,
        day: i8::try_from(day).ok()?,
        time: None,
        offset: None,
    };
    if s.rest.is_empty() {
        return Some(written);
    }
    s.eat(b'T')
        .or_else(|| s.eat(b't'))
        .or_else(|| s.eat(b' '))?;
    let hour = s.digits(2)?;
    s.eat(b':')?;
    let minute = s.digits(2)?;
    let mut second = 0;
    let mut nanos = 0;
    if s.eat(b':').is_some() {
        second = s.digits(2)?;
        if s.eat(b'.').is_some() {
            nanos = s.fraction()?;
        }
    }
    written.time = Some((
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second).ok()?,
        nanos,
    ));
    let _ = s.eat(b' ');
    if !s.rest.is_empty() {
        written.offset = Some(s.offset()?);
    }
    s.rest.is_empty().then_some(written)
}

struct Scanner<'a> {
    rest: &'a str,
}

impl Scanner<'_> {
    fn eat(&mut self, byte: u8) -> Option<()> {
        let rest = self.rest.strip_prefix(byte as char)?;
        self.rest = rest;
        Some(())
    }

    fn digits(&mut self, count: usize) -> Option<i32> {
        let digits = self.rest.get(..count)?;
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.rest = &self.rest[count..];
        digits.parse().ok()
    }

    /// Fractional seconds, one to nine digits, as nanoseconds.
    fn fraction(&mut self) -> Option<i32> {
        let count = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=9).contains(&count) {
            return None;
        }
        let padded = format!("{:0<9}", &self.rest[..count]);
        self.rest = &self.rest[count..];
        padded.parse().ok()
    }

    fn offset(&mut self) -> Option<Offset> {
        if self.eat(b'Z').or_else(|| self.eat(b'z')).is_some() {
            return Some(Offset::UTC);
        }
        let sign = if self.eat(b'+').is_some() {
            1
        } else {
            self.eat(b'-')?;
            -1
        };
        let hours = self.digits(2)?;
        let _ = self.eat(b':');
        let minutes = if self.rest.is_empty() {
            0
        } else {
            self.digits(2)?
        };
        if hours > 23 || minutes > 59 {
            return None;
        }
        Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
    }
}

/// The offset `zone` has at the local time `local`; in a gap or a fold,
/// the offset before the change, as most generators read it.
fn offset_in(zone: &TimeZone, local: DateTime) -> Offset {
    match zone.to_ambiguous_timestamp(local).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset,
        AmbiguousOffset::Gap { before, .. } | AmbiguousOffset::Fold { before, .. } => before,
    }
}

/// Seconds from 1970-01-01T00:00 to `local`, read as UTC. Counted on the
/// civil calendar, which reaches 9999-12-31 where `jiff::Timestamp` stops
/// a day short.
fn seconds_since_epoch(local: DateTime) -> i64 {
    local
        .duration_since(DateTime::constant(1970, 1, 1, 0, 0, 0, 0))
        .as_secs()
}

fn rfc3339(local: DateTime, offset: Offset) -> String {
    let fraction = if local.subsec_nanosecond() == 0 {
        ""
    } else {
        "%.f"
    };
    let time = jiff::fmt::strtime::format(format!("%Y-%m-%dT%H:%M:%S{fraction}"), local)
        .unwrap_or_else(|_| local.to_string());
    if offset == Offset::UTC {
        return format!("{time}Z");
    }
    let total = offset.seconds();
    let sign = if total < 0 { '-' } else { '+' };
    let minutes = total.unsigned_abs() / 60;
    format!("{time}{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> Result<Date, DateError> {
        parse_date(text, &TimeZone::UTC)
    }

    #[test]
    fn plain_dates_and_rfc_3339_are_accepted() {
        assert_eq!(utc("1970-01-02").map(|d| d.seconds), Ok(86_400));
        assert_eq!(utc("1970-01-01T01:00:00+01:00").map(|d| d.seconds), Ok(0));
        assert_eq!(utc("soon"), Err(DateError::NotADate));
        assert_eq!(utc("2024-13-01"), Err(DateError::NotADate));
        assert_eq!(utc("2023-02-29"), Err(DateError::NotADate));
    }

    #[test]
    fn dates_are_written_the_way_people_write_them() {
        for (written, text) in [
            ("2024-05-01", "2024-05-01"),
            ("2023-04-09T15:52:10", "2023-04-09T15:52:10Z"),
            ("2014-12-17 11:16:21 -0800", "2014-12-17T11:16:21-08:00"),
            ("2014-12-17 11:16:21-08:00", "2014-12-17T11:16:21-08:00"),
            ("2014-12-17 11:16", "2014-12-17T11:16:00Z"),
            (
                "2024-05-01T09:30:00.25+02:00",
                "2024-05-01T09:30:00.25+02:00",
            ),
            ("2024-05-01t09:30:00z", "2024-05-01T09:30:00Z"),
        ] {
            assert_eq!(
                utc(written).map(|d| d.text),
                Ok(text.to_string()),
                "{written}"
            );
        }
        assert_eq!(
            utc("2014-12-17 11:16:21 -0800").map(|d| d.seconds),
            utc("2014-12-17T19:16:21Z").map(|d| d.seconds)
        );
    }

    #[test]
    fn a_stray_number_in_a_date_is_left_out_of_the_suggestion() {
        assert_eq!(
            utc("2023-01-29 18:30:22 2023 -0800"),
            Err(DateError::NotADate)
        );
        assert_eq!(
            suggest_date("2023-01-29 18:30:22 2023 -0800").as_deref(),
            Some("2023-01-29 18:30:22 -0800")
        );
        assert_eq!(suggest_date("2023-01-29 18:30:22 PST"), None);
        assert_eq!(suggest_date("2023-01-29 18:30:22 -0800"), None);
        assert_eq!(suggest_date("next week"), None);
    }

    #[test]
    fn every_calendar_year_from_1_to_9999_is_a_date_and_year_0_is_not() {
        assert_eq!(utc("0001-01-01").map(|d| d.seconds), Ok(-62_135_596_800));
        assert_eq!(utc("9999-12-31").map(|d| d.seconds), Ok(253_402_214_400));
        assert!(utc("9999-12-31T23:59:59+14:00").is_ok());
        assert_eq!(utc("0000-01-01"), Err(DateError::YearOutOfRange));
    }

    #[test]
    fn local_times_are_in_the_site_time_zone() {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let date = parse_date("2024-07-01T12:00:00", &paris).unwrap();
        assert_eq!(date.text, "2024-07-01T12:00:00+02:00");
        assert_eq!(
            Some(date.seconds),
            utc("2024-07-01T10:00:00Z").ok().map(|d| d.seconds)
        );
        let midnight = parse_date("2024-01-01", &paris).unwrap();
        assert_eq!(midnight.text, "2024-01-01");
        assert_eq!(
            Some(midnight.seconds),
            utc("2023-12-31T23:00:00Z").ok().map(|d| d.seconds)
        );
    }

    #[test]
    fn a_dated_file_name_gives_its_date_and_slug() {
        let (date, rest) = split_date_prefix("2024-05-01-launch", &TimeZone::UTC).unwrap();
        assert_eq!(date.text, "2024-05-01");
        assert_eq!(rest, "launch");
        assert!(split_date_prefix("launch", &TimeZone::UTC).is_none());
        assert!(split_date_prefix("2024-05-01-", &TimeZone::UTC).is_none());
    }

    #[test]
    fn dates_format_with_strftime() {
        let date = utc("2024-05-01").unwrap();
        assert_eq!(date.format("%B %Y").unwrap(), "May 2024");
        let time = utc("2024-05-01T23:30:00-05:00").unwrap();
        assert_eq!(
            time.format("%Y-%m-%d %H:%M %z").unwrap(),
            "2024-05-01 23:30 -0500"
        );
        assert_eq!(
            utc("0001-01-01").unwrap().format("%B %Y").unwrap(),
            "January 0001"
        );
    }
}
