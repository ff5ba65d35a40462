//! Durable storage of submissions in SQLite (WAL, `synchronous=FULL`): a
//! submission acknowledged to the sender is on disk first.

use crate::clock::now_ms;
use crate::paths::private_dir;
use crate::received::Received;
use ambito_form::Answer;
use rusqlite::{params, Connection, OptionalExtension};
use rusqlite_migration::{HookResult, Migrations, M};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// A human-friendly, unique protocol number: `MI-2026-000042`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Protocol(String);

impl Protocol {
    fn new(prefix: &str, year: i32, seq: i64) -> Protocol {
        Protocol(format!("{prefix}-{year}-{seq:06}"))
    }

    /// The number as printed on receipts, e.g. `MI-2025-000042`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Prefix of real submissions ("manifestazione di interesse").
const PREFIX: &str = "MI";
/// Prefix of honeypot catches, numbered apart so that spam leaves no gaps
/// in the district's sequence.
const SPAM_PREFIX: &str = "MS";

/// What storing a submission did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inserted {
    /// Stored as a new submission, with its number and the token of its
    /// confirmation page.
    New(Receipt),
    /// The same answers were stored moments ago: that submission's number
    /// and token; nothing new was stored (nor its files kept).
    Duplicate(Receipt),
}

impl Inserted {
    /// The receipt of the submission that holds these answers.
    pub fn receipt(&self) -> &Receipt {
        match self {
            Inserted::New(r) | Inserted::Duplicate(r) => r,
        }
    }

    /// Its receipt number.
    pub fn protocol(&self) -> &Protocol {
        &self.receipt().protocol
    }
}

/// How a stored submission is named to its sender: the number to quote,
/// and the unguessable token of its confirmation page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The receipt number (`MI-2026-000042`).
    pub protocol: Protocol,
    /// 32 lowercase hex digits (128 random bits).
    pub token: String,
}

/// Delivery state of a submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Stored, not yet (fully) delivered.
    Pending,
    /// Both emails accepted by the SMTP server.
    Sent,
    /// Gave up after the configured attempts (still stored; `retry` resumes).
    Failed,
    /// Caught by the honeypot: stored, never emailed.
    Spam,
}

impl Status {
    /// The lowercase name stored in the database and shown in exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Sent => "sent",
            Status::Failed => "failed",
            Status::Spam => "spam",
        }
    }
    fn parse(s: &str) -> Status {
        match s {
            "sent" => Status::Sent,
            "failed" => Status::Failed,
            "spam" => Status::Spam,
            _ => Status::Pending,
        }
    }
}

/// A status name that is none of the four (from the command line).
#[derive(Debug, thiserror::Error)]
#[error("unknown status `{0}` (pending, sent, failed, spam)")]
pub struct UnknownStatus(pub String);

impl std::str::FromStr for Status {
    type Err = UnknownStatus;
    fn from_str(s: &str) -> Result<Self, UnknownStatus> {
        match s {
            "pending" | "sent" | "failed" | "spam" => Ok(Status::parse(s)),
            other => Err(UnknownStatus(other.to_string())),
        }
    }
}

/// One answer as stored: the label and the text shown at submission time,
/// so that emails and exports do not depend on later edits of the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAnswer {
    /// The field's name in the form definition.
    pub name: String,
    /// The field's label at submission time.
    pub label: String,
    /// The answer as checked, in its typed form.
    pub value: Answer,
    /// The answer as text for people (emails, exports).
    pub display: String,
}

/// A submission to store.
#[derive(Clone, Debug)]
pub struct NewSubmission {
    /// The id of the form that was posted.
    pub form_id: String,
    /// The form's title at submission time.
    pub form_title: String,
    /// The answers, in the form's field order.
    pub answers: Vec<StoredAnswer>,
    /// Where receipts go (the sender's email), if given.
    pub sender: Option<String>,
    /// When the post arrived, in seconds since the Unix epoch.
    pub received_at: i64,
    /// Caught by the honeypot: numbered apart and never emailed.
    pub spam: bool,
    /// The files sent with it, already on disk and fsync'd.
    pub files: Vec<Received>,
}

/// The distinct post folders of file paths (`{post}/{n}`).
fn post_dirs(paths: &[String]) -> Vec<String> {
    let mut dirs: Vec<String> = paths
        .iter()
        .filter_map(|p| p.split('/').next())
        .map(str::to_string)
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// By default, posts with the same answers to the same form within this
/// many seconds are one submission (Back then send again, a double click).
pub const DUPLICATE_WINDOW_SECONDS: i64 = 30 * 60;

impl NewSubmission {
    /// A fingerprint of the form and the answers, to recognise a repeat.
    fn digest(&self) -> Result<String, serde_json::Error> {
        let mut h = blake3::Hasher::new();
        h.update(self.form_id.as_bytes());
        h.update(&[0, u8::from(self.spam)]);
        h.update(serde_json::to_string(&self.answers)?.as_bytes());
        for f in &self.files {
            h.update(f.sha256.as_bytes());
        }
        Ok(h.finalize().to_hex().to_string())
    }
}

/// A stored submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// The database row id.
    pub id: i64,
    /// The submission's number, given to the sender.
    pub protocol: Protocol,
    /// The id of the form that was posted.
    pub form_id: String,
    /// The form's title at submission time.
    pub form_title: String,
    /// When the post arrived, in seconds since the Unix epoch.
    pub received_at: i64,
    /// The answers, as stored at submission time.
    pub answers: Vec<StoredAnswer>,
    /// Where the receipt goes (the sender's email), if given.
    pub sender: Option<String>,
    /// Where delivery stands.
    pub status: Status,
    /// Delivery attempts that failed so far.
    pub attempts: u32,
    /// When the next delivery attempt is due, in milliseconds since the epoch.
    pub next_attempt_at: i64,
    /// The most recent delivery failure, cleared once sent.
    pub last_error: Option<String>,
    /// When the district's email was accepted, in seconds since the epoch.
    pub district_sent_at: Option<i64>,
    /// When the sender's receipt was accepted, in seconds since the epoch.
    pub receipt_sent_at: Option<i64>,
    /// The files sent with it, in the order sent.
    pub files: Vec<Received>,
}

/// The two emails a submission produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The submission, emailed to the district's mailbox.
    District,
    /// The confirmation, emailed to the sender.
    Receipt,
}

/// A failure of the submissions database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or prepared.
    #[error("database {path}: {source}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The database's schema could not be brought up to date (or it is
    /// newer than this program: written by a later version).
    #[error("database {path}: cannot update its schema: {source}")]
    Migrate {
        /// The database file.
        path: PathBuf,
        /// What the migration met.
        #[source]
        source: rusqlite_migration::Error,
    },
    /// The folder that holds the database could not be created.
    #[error("cannot create {path}: {source}")]
    Dir {
        /// The folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A query failed.
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    /// Answers could not be written as, or read back from, JSON.
    #[error("stored answers are not readable: {0}")]
    Json(#[from] serde_json::Error),
    /// The operating system gave no random bytes for a token.
    #[error("no random bytes for a receipt token: {0}")]
    Random(#[source] std::io::Error),
    /// A backup copy of the database could not be made.
    #[error("backup to {path}: {source}")]
    Backup {
        /// The backup's destination file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The database's schema moved since this program opened it: another
    /// version of the service migrated it, or an older copy was put back.
    #[error(
        "schema at version {found}, but this program works with version {expected}: \
         is another version of the service using the same database?"
    )]
    SchemaMoved {
        /// The schema version in the database (`PRAGMA user_version`).
        found: i64,
        /// The version this program's migrations end at.
        expected: usize,
    },
}

impl StoreError {
    /// Whether the failure is the disk's or the file's state (full,
    /// read-only, locked): the data is fine, and trying later may work.
    pub fn is_unavailable(&self) -> bool {
        use rusqlite::ErrorCode as C;
        match self {
            StoreError::Sql(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                C::DiskFull
                    | C::ReadOnly
                    | C::DatabaseBusy
                    | C::DatabaseLocked
                    | C::SystemIoFailure
                    | C::CannotOpen
            ),
            _ => false,
        }
    }
}

/// The schema migrations, in order: `PRAGMA user_version` holds how many
/// a database has had. Add a step at the end (`M::up("ALTER TABLE …")`),
/// never edit one that has shipped: a database that had it will not have it
/// again.
///
/// Databases made before versions were counted are at `user_version` 0
/// with their tables already there, so the first two steps adopt them as
/// they are: every statement is conditional (`IF NOT EXISTS`), and the
/// hook adds the columns that the earliest databases lack.
/// The schema version [`migrations`] end at.
const SCHEMA_VERSION: usize = 2;

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up_with_hook(TABLES, add_columns_from_before_versions),
        M::up(INDEXES_AND_CLEANUP),
    ])
}

/// Step 1: the tables, as they were when versions began to be counted.
const TABLES: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    protocol TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    form_id TEXT NOT NULL,
    form_title TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    answers TEXT NOT NULL,
    sender TEXT,
    ip_hash TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'spam')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    district_sent_at INTEGER,
    receipt_sent_at INTEGER,
    digest TEXT,
    token TEXT,
    UNIQUE (prefix, year, seq)
);
CREATE INDEX IF NOT EXISTS submissions_due ON submissions (status, next_attempt_at);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS files_submission ON files (submission_id);
CREATE TABLE IF NOT EXISTS counters (
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);
";

/// Columns added to `submissions` after the first release, before versions
/// were counted: a database of that time has a `submissions` table without
/// them, which `CREATE TABLE IF NOT EXISTS` leaves as it is.
const COLUMNS_FROM_BEFORE_VERSIONS: &[(&str, &str)] = &[
    ("digest", "ALTER TABLE submissions ADD COLUMN digest TEXT"),
    // The confirmation page's address: 128 random bits, so that nobody
    // can walk the numbers to read others' receipts.
    ("token", "ALTER TABLE submissions ADD COLUMN token TEXT"),
];

/// Step 1's hook: adds the [`COLUMNS_FROM_BEFORE_VERSIONS`] a database
/// lacks. (SQLite has no `ADD COLUMN IF NOT EXISTS`.)
fn add_columns_from_before_versions(tx: &rusqlite::Transaction<'_>) -> HookResult {
    for (column, sql) in COLUMNS_FROM_BEFORE_VERSIONS {
        let has: bool = tx.query_row(
            "SELECT COUNT(*) > 0 FROM pragma_table_info('submissions') WHERE name = ?1",
            params![column],
            |r| r.get(0),
        )?;
        if !has {
            tx.execute_batch(sql)?;
        }
    }
    Ok(())
}

/// Step 2: the indexes, and the data of the earliest databases made to fit.
const INDEXES_AND_CLEANUP: &str = "
CREATE INDEX IF NOT EXISTS submissions_digest ON submissions (digest, received_at);
DROP INDEX IF EXISTS submissions_sender;
CREATE INDEX IF NOT EXISTS submissions_sender_lower ON submissions (lower(sender), receipt_sent_at);
CREATE INDEX IF NOT EXISTS submissions_received ON submissions (received_at);
CREATE UNIQUE INDEX IF NOT EXISTS submissions_token ON submissions (token);
-- Rows from before tokens get one from SQLite's own generator (seeded by
-- the operating system); the index finds them without a scan.
UPDATE submissions SET token = lower(hex(randomblob(16))) WHERE token IS NULL;
-- Earlier versions kept a keyed hash of the client's address and its key;
-- nothing uses them, so they are not kept.
DELETE FROM meta WHERE key = 'ip_key';
UPDATE submissions SET ip_hash = '' WHERE ip_hash <> '';
";

/// A connection to the submissions database.
pub struct Db {
    conn: Connection,
    /// Seconds within which the same answers are the same submission;
    /// 0: every post is a new submission.
    duplicate_window: i64,
}

fn year_of(unix: i64) -> i32 {
    jiff::Timestamp::from_second(unix).map_or(1970, |t| {
        t.to_zoned(jiff::tz::TimeZone::get("Europe/Rome").unwrap_or(jiff::tz::TimeZone::UTC))
            .year() as i32
    })
}

impl Db {
    /// Opens (creating if needed) the database, its folder and its tables.
    pub fn open(path: &Path) -> Result<Db, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            private_dir(dir).map_err(|source| StoreError::Dir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let prepare = |path: &Path| -> rusqlite::Result<Connection> {
            let conn = Connection::open(path)?;
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            // WAL: readers never block the writer. FULL: a commit is on disk
            // (WAL fsynced) before it returns, so an acknowledged submission
            // survives a power cut. (Outside the migrations' transaction:
            // SQLite ignores a change of journal mode inside one.)
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            // Deleted rows are overwritten, not left in free pages: a purge
            // or an erasure really removes the personal data.
            conn.pragma_update(None, "secure_delete", "ON")?;
            Ok(conn)
        };
        let mut conn = prepare(path).map_err(open_err)?;
        migrations()
            .to_latest(&mut conn)
            .map_err(|source| StoreError::Migrate {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(Db {
            conn,
            duplicate_window: DUPLICATE_WINDOW_SECONDS,
        })
    }

    /// Sets how long the same answers count as the same submission (0:
    /// never).
    pub fn set_duplicate_window(&mut self, window: std::time::Duration) {
        self.duplicate_window = i64::try_from(window.as_secs()).unwrap_or(i64::MAX / 2);
    }

    /// Stores submissions in one transaction (one disk flush for all) and
    /// gives each its receipt, or the receipt of the same answers stored
    /// moments ago. Receipt numbers come from a counter per prefix and
    /// year that never goes down: a number erased is never given again.
    pub fn insert(&mut self, batch: &[NewSubmission]) -> Result<Vec<Inserted>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut out = Vec::with_capacity(batch.len());
        for s in batch {
            let digest = s.digest()?;
            let window = self.duplicate_window;
            let earlier: Option<(String, String)> = if window == 0 {
                None
            } else {
                tx.query_row(
                    "SELECT protocol, token FROM submissions WHERE digest = ?1 AND received_at BETWEEN ?2 AND ?3 ORDER BY id LIMIT 1",
                    params![
                        digest,
                        s.received_at - window,
                        s.received_at + window
                    ],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
            };
            if let Some((protocol, token)) = earlier {
                out.push(Inserted::Duplicate(Receipt {
                    protocol: Protocol(protocol),
                    token,
                }));
                continue;
            }
            let prefix = if s.spam { SPAM_PREFIX } else { PREFIX };
            let year = year_of(s.received_at);
            // The first number of a year continues from what is stored
            // (databases from before the counter); then only the counter.
            let seq: i64 = tx.query_row(
                "INSERT INTO counters (prefix, year, last)
                 VALUES (?1, ?2, 1 + (SELECT COALESCE(MAX(seq), 0) FROM submissions WHERE prefix = ?1 AND year = ?2))
                 ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1
                 RETURNING last",
                params![prefix, year],
                |r| r.get(0),
            )?;
            let token = crate::token::new().map_err(StoreError::Random)?;
            let protocol = Protocol::new(prefix, year, seq);
            let status = if s.spam {
                Status::Spam
            } else {
                Status::Pending
            };
            // `ip_hash` is written empty rather than left to its default:
            // the first release's table has the column without one.
            tx.execute(
                "INSERT INTO submissions (protocol, prefix, year, seq, form_id, form_title, received_at, answers, sender, digest, status, next_attempt_at, token, ip_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?7 * 1000, ?12, '')",
                params![
                    protocol.as_str(),
                    prefix,
                    year,
                    seq,
                    s.form_id,
                    s.form_title,
                    s.received_at,
                    serde_json::to_string(&s.answers)?,
                    s.sender,
                    digest,
                    status.as_str(),
                    token,
                ],
            )?;
            let id = tx.last_insert_rowid();
            for f in &s.files {
                tx.execute(
                    "INSERT INTO files (submission_id, field, name, size, sha256, kind, path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        id,
                        f.field,
                        f.name,
                        i64::try_from(f.size).unwrap_or(i64::MAX),
                        f.sha256,
                        serde_json::to_string(&f.kind)?,
                        f.path
                    ],
                )?;
            }
            out.push(Inserted::New(Receipt { protocol, token }));
        }
        tx.commit()?;
        Ok(out)
    }

    fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Stored, String)> {
        let answers: String = r.get("answers")?;
        let status: String = r.get("status")?;
        Ok((
            Stored {
                id: r.get("id")?,
                protocol: Protocol(r.get("protocol")?),
                form_id: r.get("form_id")?,
                form_title: r.get("form_title")?,
                received_at: r.get("received_at")?,
                answers: Vec::new(),
                sender: r.get("sender")?,
                status: Status::parse(&status),
                attempts: r.get("attempts")?,
                next_attempt_at: r.get("next_attempt_at")?,
                last_error: r.get("last_error")?,
                district_sent_at: r.get("district_sent_at")?,
                receipt_sent_at: r.get("receipt_sent_at")?,
                files: Vec::new(),
            },
            answers,
        ))
    }

    fn query(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<Stored>, StoreError> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map(params, Self::row)?;
        let mut out = Vec::new();
        for row in rows {
            let (mut stored, answers) = row?;
            stored.answers = serde_json::from_str(&answers)?;
            stored.files = self.files_where("f.submission_id = ?1", params![stored.id])?;
            out.push(stored);
        }
        Ok(out)
    }

    /// The post folders (under the files folder) that stored submissions
    /// name: any other folder there is an orphan.
    pub fn file_dirs(&self) -> Result<std::collections::HashSet<String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT path FROM files")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = std::collections::HashSet::new();
        for path in rows {
            let path = path?;
            out.insert(path.split('/').next().unwrap_or_default().to_string());
        }
        Ok(out)
    }

    /// Every file of every stored submission (what a backup must keep).
    pub fn all_files(&self) -> Result<Vec<Received>, StoreError> {
        self.files_where("1 = 1", params![])
    }

    /// The files of the submission `protocol`, in the order sent.
    pub fn files_of(&self, protocol: &str) -> Result<Vec<Received>, StoreError> {
        self.files_where("s.protocol = ?1", params![protocol])
    }

    fn files_where(
        &self,
        condition: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<Received>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT f.field, f.name, f.size, f.sha256, f.kind, f.path FROM files f JOIN submissions s ON s.id = f.submission_id WHERE {condition} ORDER BY f.id"
        ))?;
        let rows = stmt.query_map(params, |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (field, name, size, sha256, kind, path) = row?;
            out.push(Received {
                field,
                name,
                size: u64::try_from(size).unwrap_or_default(),
                sha256,
                kind: serde_json::from_str(&kind)?,
                path,
            });
        }
        Ok(out)
    }

    /// Pending submissions whose next attempt is due at `now_ms`, oldest first.
    pub fn due(&self, now: i64, limit: u32) -> Result<Vec<Stored>, StoreError> {
        self.query(
            "SELECT * FROM submissions WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2",
            params![now, limit],
        )
    }

    /// When the next pending submission is due (milliseconds), if any.
    pub fn next_due(&self) -> Result<Option<i64>, StoreError> {
        Ok(self.conn.query_row(
            "SELECT MIN(next_attempt_at) FROM submissions WHERE status = 'pending'",
            [],
            |r| r.get(0),
        )?)
    }

    /// Records that one of the two emails was accepted by the SMTP server.
    pub fn mark_part_sent(&self, id: i64, part: Part, now: i64) -> Result<(), StoreError> {
        let column = match part {
            Part::District => "district_sent_at",
            Part::Receipt => "receipt_sent_at",
        };
        self.conn.execute(
            &format!("UPDATE submissions SET {column} = ?2 WHERE id = ?1"),
            params![id, now],
        )?;
        Ok(())
    }

    /// Marks a submission delivered and clears its last error.
    pub fn mark_sent(&self, id: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE submissions SET status = 'sent', last_error = NULL WHERE id = ?1",
            params![id],
        )?;
        Ok(())
    }

    /// Records a failed attempt: schedules the next one at `next_at_ms`, or
    /// marks the submission failed once `max_attempts` is reached.
    pub fn mark_attempt_failed(
        &self,
        id: i64,
        error: &str,
        next_at_ms: i64,
        max_attempts: u32,
    ) -> Result<Status, StoreError> {
        self.conn.execute(
            "UPDATE submissions SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3,
                 status = CASE WHEN attempts + 1 >= ?4 THEN 'failed' ELSE 'pending' END
             WHERE id = ?1",
            params![id, error, next_at_ms, max_attempts],
        )?;
        let status: String = self.conn.query_row(
            "SELECT status FROM submissions WHERE id = ?1",
            params![id],
            |r| r.get(0),
        )?;
        Ok(Status::parse(&status))
    }

    /// All submissions, or those with one status, oldest first.
    pub fn list(&self, status: Option<Status>) -> Result<Vec<Stored>, StoreError> {
        match status {
            Some(s) => self.query(
                "SELECT * FROM submissions WHERE status = ?1 ORDER BY id",
                params![s.as_str()],
            ),
            None => self.query("SELECT * FROM submissions ORDER BY id", []),
        }
    }

    /// Puts a submission (by protocol number or id) back in the queue, due
    /// at `now_ms`, with its attempts reset. Returns false if there is no such
    /// submission or it is spam or already sent.
    pub fn retry(&self, which: &str, now_ms: i64) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE submissions SET status = 'pending', attempts = 0, next_attempt_at = ?2
             WHERE (protocol = ?1 OR CAST(id AS TEXT) = ?1) AND status IN ('pending', 'failed')",
            params![which, now_ms],
        )?;
        Ok(changed > 0)
    }

    /// Deletes submissions received before `before` that are no longer
    /// pending (pending ones are never deleted: they are not delivered yet).
    /// Returns the numbers of those deleted, to remove their mail files.
    pub fn purge(&mut self, before: i64) -> Result<Vec<Protocol>, StoreError> {
        Ok(self.purge_with_files(before)?.0)
    }

    /// Like [`Db::purge`], also returning the post folders (under the
    /// files folder) of the deleted submissions, to be removed.
    pub fn purge_with_files(
        &mut self,
        before: i64,
    ) -> Result<(Vec<Protocol>, Vec<String>), StoreError> {
        let tx = self.conn.transaction()?;
        let dirs = {
            let mut stmt = tx.prepare(
                "DELETE FROM files WHERE submission_id IN (SELECT id FROM submissions WHERE received_at < ?1 AND status IN ('sent', 'failed', 'spam')) RETURNING path",
            )?;
            let rows = stmt.query_map(params![before], |r| r.get::<_, String>(0))?;
            post_dirs(&rows.collect::<Result<Vec<_>, _>>()?)
        };
        let gone = {
            let mut stmt = tx.prepare(
                "DELETE FROM submissions WHERE received_at < ?1 AND status IN ('sent', 'failed', 'spam') RETURNING protocol",
            )?;
            let rows = stmt.query_map(params![before], |r| r.get::<_, String>(0))?;
            rows.map(|r| r.map(Protocol))
                .collect::<Result<Vec<_>, _>>()?
        };
        tx.commit()?;
        self.checkpoint();
        Ok((gone, dirs))
    }

    /// Copies the WAL into the database and empties it, so that deleted
    /// data does not linger in old WAL frames either. Best effort: with a
    /// reader active the WAL is emptied at a later checkpoint.
    fn checkpoint(&self) {
        match self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            }) {
            Ok((0, _, _)) => {}
            Ok(busy) => tracing::warn!(?busy, "checkpoint after deleting: database busy"),
            Err(e) => tracing::warn!(error = %e, "checkpoint after deleting failed"),
        }
    }

    /// Deletes one submission, whatever its state (a request to erase
    /// personal data). Returns whether there was one.
    pub fn erase(&mut self, protocol: &str) -> Result<bool, StoreError> {
        Ok(self.erase_with_files(protocol)?.0)
    }

    /// Like [`Db::erase`], also returning the submission's post folders
    /// (under the files folder), to be removed.
    pub fn erase_with_files(&mut self, protocol: &str) -> Result<(bool, Vec<String>), StoreError> {
        let tx = self.conn.transaction()?;
        let dirs = {
            let mut stmt = tx.prepare(
                "DELETE FROM files WHERE submission_id IN (SELECT id FROM submissions WHERE protocol = ?1) RETURNING path",
            )?;
            let rows = stmt.query_map(params![protocol], |r| r.get::<_, String>(0))?;
            post_dirs(&rows.collect::<Result<Vec<_>, _>>()?)
        };
        let found = tx.execute(
            "DELETE FROM submissions WHERE protocol = ?1",
            params![protocol],
        )? > 0;
        tx.commit()?;
        self.checkpoint();
        Ok((found, dirs))
    }

    /// A consistent copy of the database in `path`, taken with SQLite's
    /// online backup while the service keeps running.
    pub fn backup(&self, path: &Path) -> Result<(), StoreError> {
        let err = |source| StoreError::Backup {
            path: path.to_path_buf(),
            source,
        };
        let mut dst = Connection::open(path).map_err(err)?;
        let backup = rusqlite::backup::Backup::new(&self.conn, &mut dst).map_err(err)?;
        backup
            .run_to_completion(256, std::time::Duration::from_millis(5), None)
            .map_err(err)
    }

    /// Receipts already sent to `address` since `since` (seconds), however
    /// its letters are cased: `A@x.it`, `a@x.it` and `a@X.IT` reach the same
    /// mailbox, so they share one cap. (SQLite's `lower` folds ASCII letters
    /// only, which is what such a variation would use.)
    pub fn receipts_sent_to(&self, address: &str, since: i64) -> Result<u32, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM submissions WHERE lower(sender) = lower(?1) AND receipt_sent_at >= ?2",
            params![address, since],
            |r| r.get(0),
        )?)
    }

    /// The number and the time received (Unix seconds) of the submission
    /// to this form whose confirmation page has this token, if there is
    /// one (spam included: a bot is answered like a person).
    pub fn find(&self, form_id: &str, token: &str) -> Result<Option<(Protocol, i64)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT protocol, received_at FROM submissions WHERE form_id = ?1 AND token = ?2",
                params![form_id, token],
                |r| Ok((Protocol(r.get(0)?), r.get(1)?)),
            )
            .optional()?)
    }

    /// The health check's query: reads the table's last row by its key,
    /// so it costs the same with ten rows or ten million (never a scan).
    pub const HEALTH_SQL: &'static str = "SELECT MAX(id) FROM submissions";

    /// Whether the database answers, with the schema this program works
    /// with (queries that fit another schema fail only when a post
    /// arrives: better said by the health check).
    pub fn health(&self) -> Result<(), StoreError> {
        self.conn
            .query_row(Self::HEALTH_SQL, [], |r| r.get::<_, Option<i64>>(0))?;
        let found: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if usize::try_from(found).ok() != Some(SCHEMA_VERSION) {
            return Err(StoreError::SchemaMoved {
                found,
                expected: SCHEMA_VERSION,
            });
        }
        Ok(())
    }

    /// Writes one small row, durably: whether the database can take a
    /// write now (after a failure, the health check asks this).
    pub fn probe_write(&self) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES ('health_probe', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![now_ms()],
        )?;
        Ok(())
    }

    /// The plan SQLite chooses for `sql` (for tests on query costs).
    pub fn plan(&self, sql: &str) -> Result<String, StoreError> {
        let mut stmt = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(3))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(spam: bool) -> NewSubmission {
        NewSubmission {
            files: Vec::new(),
            form_id: "f".into(),
            form_title: "Modulo".into(),
            answers: vec![StoredAnswer {
                name: "email".into(),
                label: "Email".into(),
                value: Answer::One("a@b.it".into()),
                display: "a@b.it".into(),
            }],
            sender: Some("a@b.it".into()),
            received_at: 1_782_900_000, // 2026-07-01
            spam,
        }
    }

    #[test]
    fn protocols_are_sequential_per_year_and_spam_is_apart() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&dir.path().join("sub/forms.sqlite3")).unwrap();
        let mut second = new(false);
        second.answers[0].display = "altro".into();
        let p = db.insert(&[new(false), new(true), second]).unwrap();
        let p: Vec<&str> = p.iter().map(|i| i.protocol().as_str()).collect();
        assert_eq!(p, ["MI-2026-000001", "MS-2026-000001", "MI-2026-000002"]);
        let mut next_year = new(false);
        next_year.received_at += 366 * 86_400;
        assert_eq!(
            db.insert(&[next_year]).unwrap()[0].protocol().as_str(),
            "MI-2027-000001"
        );
        // Reopening keeps the data and the sequence.
        drop(db);
        let mut db = Db::open(&dir.path().join("sub/forms.sqlite3")).unwrap();
        let mut third = new(false);
        third.received_at += 3600;
        assert_eq!(
            db.insert(&[third]).unwrap()[0].protocol().as_str(),
            "MI-2026-000003"
        );
        assert_eq!(db.list(Some(Status::Spam)).unwrap().len(), 1);
        assert_eq!(db.list(None).unwrap()[0].answers[0].display, "a@b.it");
    }

    #[test]
    fn attempts_then_failure_then_retry_then_purge() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&dir.path().join("f.sqlite3")).unwrap();
        db.insert(&[new(false)]).unwrap();
        let id = db.due(i64::MAX, 10).unwrap()[0].id;
        assert_eq!(
            db.mark_attempt_failed(id, "down", 100, 2).unwrap(),
            Status::Pending
        );
        assert_eq!(
            db.mark_attempt_failed(id, "down", 200, 2).unwrap(),
            Status::Failed
        );
        assert!(db.due(i64::MAX, 10).unwrap().is_empty());
        assert!(db.retry("MI-2026-000001", 5).unwrap());
        let s = &db.due(5, 10).unwrap()[0];
        assert_eq!((s.status, s.attempts), (Status::Pending, 0));
        assert!(
            db.purge(i64::MAX).unwrap().is_empty(),
            "pending submissions are never purged"
        );
        db.mark_sent(id).unwrap();
        assert_eq!(
            db.purge(i64::MAX).unwrap(),
            [Protocol("MI-2026-000001".into())]
        );
    }

    #[test]
    fn the_same_answers_within_half_an_hour_are_one_submission() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&dir.path().join("f.sqlite3")).unwrap();
        let first = new(false);
        let mut again = new(false);
        again.received_at += DUPLICATE_WINDOW_SECONDS - 1;
        // Twice in one batch too (a double click committed together).
        let p = db.insert(&[first.clone(), first, again]).unwrap();
        assert!(
            p.iter().all(|x| x.protocol().as_str() == "MI-2026-000001"),
            "{p:?}"
        );
        assert!(matches!(p[0], Inserted::New(_)));
        assert!(matches!(p[1], Inserted::Duplicate(_)));
        assert!(matches!(p[2], Inserted::Duplicate(_)));
        // A repeat gets the first one's confirmation page too.
        assert_eq!(p[1].receipt().token, p[0].receipt().token);
        assert_eq!(db.list(None).unwrap().len(), 1);
        let mut later = new(false);
        later.received_at += DUPLICATE_WINDOW_SECONDS * 2;
        assert_eq!(
            db.insert(&[later]).unwrap()[0].protocol().as_str(),
            "MI-2026-000002"
        );
    }

    #[test]
    fn an_erased_number_is_never_given_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&dir.path().join("f.sqlite3")).unwrap();
        let mut second = new(false);
        second.answers[0].display = "altro".into();
        let first = db.insert(&[new(false), second]).unwrap();
        assert_eq!(first[1].protocol().as_str(), "MI-2026-000002");
        assert!(db.erase("MI-2026-000002").unwrap());
        let mut third = new(false);
        third.answers[0].display = "terzo".into();
        let next = db.insert(&[third]).unwrap();
        assert_eq!(next[0].protocol().as_str(), "MI-2026-000003");
        assert_ne!(next[0].receipt().token, first[1].receipt().token);
        // Its old confirmation page shows nothing, not the new submission.
        assert_eq!(db.find("f", &first[1].receipt().token).unwrap(), None);
        let (p, _) = db.find("f", &next[0].receipt().token).unwrap().unwrap();
        assert_eq!(p.as_str(), "MI-2026-000003");
    }

    #[test]
    fn tokens_are_128_random_bits() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&dir.path().join("f.sqlite3")).unwrap();
        let mut tokens = std::collections::HashSet::new();
        for i in 0..50 {
            let mut s = new(false);
            s.answers[0].display = format!("ente {i}");
            let t = db.insert(&[s]).unwrap()[0].receipt().token.clone();
            assert_eq!(t.len(), 32);
            assert!(t.bytes().all(|b| b.is_ascii_hexdigit()));
            tokens.insert(t);
        }
        assert_eq!(tokens.len(), 50);
    }

    #[test]
    fn the_migrations_are_well_formed() {
        migrations().validate().unwrap();
    }

    /// What the code before counted migrations left in a database, copied
    /// as it was (its `SCHEMA`, its two added columns, its `INDEXES`): the
    /// shape of every database in service, at `user_version` 0.
    const BEFORE_VERSIONS: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    protocol TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    form_id TEXT NOT NULL,
    form_title TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    answers TEXT NOT NULL,
    sender TEXT,
    ip_hash TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'spam')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    district_sent_at INTEGER,
    receipt_sent_at INTEGER,
    UNIQUE (prefix, year, seq)
);
CREATE INDEX IF NOT EXISTS submissions_due ON submissions (status, next_attempt_at);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS files_submission ON files (submission_id);
CREATE TABLE IF NOT EXISTS counters (
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);
ALTER TABLE submissions ADD COLUMN digest TEXT;
ALTER TABLE submissions ADD COLUMN token TEXT;
CREATE INDEX IF NOT EXISTS submissions_digest ON submissions (digest, received_at);
DROP INDEX IF EXISTS submissions_sender;
CREATE INDEX IF NOT EXISTS submissions_sender_lower ON submissions (lower(sender), receipt_sent_at);
CREATE INDEX IF NOT EXISTS submissions_received ON submissions (received_at);
CREATE UNIQUE INDEX IF NOT EXISTS submissions_token ON submissions (token);
";

    /// The first release's schema (commit 2ee8135): no files, no counters,
    /// no digest nor token, and the client's keyed address hash kept.
    const FIRST_RELEASE: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    protocol TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    form_id TEXT NOT NULL,
    form_title TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    answers TEXT NOT NULL,
    sender TEXT,
    ip_hash TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'spam')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    district_sent_at INTEGER,
    receipt_sent_at INTEGER,
    UNIQUE (prefix, year, seq)
);
CREATE INDEX IF NOT EXISTS submissions_due ON submissions (status, next_attempt_at);
";

    const ANSWERS: &str =
        r#"[{"name":"email","label":"Email","value":"a@b.it","display":"a@b.it"}]"#;

    fn user_version(path: &Path) -> i64 {
        Connection::open(path)
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn the_schema_version_is_where_the_migrations_end() {
        let conn = Connection::open_in_memory().unwrap();
        assert_eq!(
            migrations().pending_migrations(&conn).unwrap(),
            i32::try_from(SCHEMA_VERSION).unwrap()
        );
    }

    #[test]
    fn the_health_check_sees_a_schema_another_version_moved() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.sqlite3");
        let db = Db::open(&path).unwrap();
        db.health().unwrap();
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 3)
            .unwrap();
        let err = db.health().unwrap_err().to_string();
        assert!(
            err.contains("version 3") && err.contains("version 2"),
            "{err}"
        );
    }

    #[test]
    fn a_database_made_before_versions_were_counted_keeps_every_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.sqlite3");
        let token = "0123456789abcdef0123456789abcdef";
        {
            let old = Connection::open(&path).unwrap();
            old.pragma_update(None, "journal_mode", "WAL").unwrap();
            old.execute_batch(BEFORE_VERSIONS).unwrap();
            old.execute(
                "INSERT INTO submissions (protocol, prefix, year, seq, form_id, form_title, received_at, answers, sender, status, attempts, next_attempt_at, last_error, receipt_sent_at, digest, token)
                 VALUES ('MI-2026-000007', 'MI', 2026, 7, 'f', 'Modulo', 1782900000, ?1, 'a@b.it', 'failed', 12, 1782900000000, 'smtp down', 1782900100, 'abc', ?2)",
                params![ANSWERS, token],
            )
            .unwrap();
            old.execute_batch(
                "INSERT INTO submissions (protocol, prefix, year, seq, form_id, form_title, received_at, answers, status, next_attempt_at)
                     VALUES ('MS-2026-000001', 'MS', 2026, 1, 'f', 'Modulo', 1782900000, '[]', 'spam', 0);
                 INSERT INTO files (submission_id, field, name, size, sha256, kind, path)
                     VALUES (1, 'allegati', 'Statuto.pdf', 1234, 'ff00', '\"pdf\"', 'post1/0');
                 INSERT INTO counters (prefix, year, last) VALUES ('MI', 2026, 7), ('MS', 2026, 1);",
            )
            .unwrap();
            assert_eq!(user_version(&path), 0);
        }
        let mut db = Db::open(&path).unwrap();
        assert_eq!(user_version(&path), 2);
        let all = db.list(None).unwrap();
        assert_eq!(all.len(), 2);
        let s = &all[0];
        assert_eq!(s.protocol.as_str(), "MI-2026-000007");
        assert_eq!((s.status, s.attempts), (Status::Failed, 12));
        assert_eq!(s.last_error.as_deref(), Some("smtp down"));
        assert_eq!(s.receipt_sent_at, Some(1_782_900_100));
        assert_eq!(s.answers[0].display, "a@b.it");
        assert_eq!(s.files.len(), 1);
        assert_eq!(s.files[0].name, "Statuto.pdf");
        assert_eq!(s.files[0].kind, ambito_form::filetype::FileType::Pdf);
        assert_eq!(
            db.file_dirs().unwrap().into_iter().collect::<Vec<_>>(),
            ["post1"]
        );
        // Its confirmation page still opens at the same address.
        let (p, _) = db.find("f", token).unwrap().unwrap();
        assert_eq!(p.as_str(), "MI-2026-000007");
        // The numbering goes on from the stored counters.
        let mut next = new(false);
        next.answers[0].display = "altro".into();
        assert_eq!(
            db.insert(&[next]).unwrap()[0].protocol().as_str(),
            "MI-2026-000008"
        );
        // Opening again changes nothing more.
        drop(db);
        let db = Db::open(&path).unwrap();
        assert_eq!(user_version(&path), 2);
        assert_eq!(db.list(None).unwrap().len(), 3);
    }

    #[test]
    fn a_database_of_the_first_release_gets_the_later_columns_and_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.sqlite3");
        {
            let old = Connection::open(&path).unwrap();
            old.execute_batch(FIRST_RELEASE).unwrap();
            old.execute(
                "INSERT INTO submissions (protocol, prefix, year, seq, form_id, form_title, received_at, answers, sender, ip_hash, status, next_attempt_at)
                 VALUES ('MI-2026-000003', 'MI', 2026, 3, 'f', 'Modulo', 1782900000, ?1, 'a@b.it', 'k3y3dh4sh', 'sent', 0)",
                params![ANSWERS],
            )
            .unwrap();
            old.execute_batch("INSERT INTO meta (key, value) VALUES ('ip_key', x'00ff');")
                .unwrap();
        }
        let mut db = Db::open(&path).unwrap();
        let all = db.list(None).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].status, Status::Sent);
        // Its row got a token, and nothing derived from the client's
        // address is left.
        let (token, ip_hash, ip_keys): (String, String, i64) = db
            .conn
            .query_row(
                "SELECT token, ip_hash, (SELECT COUNT(*) FROM meta WHERE key = 'ip_key') FROM submissions",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(token.len(), 32);
        assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
        assert_eq!((ip_hash.as_str(), ip_keys), ("", 0));
        // Without counters the numbering goes on from the stored numbers.
        let mut next = new(false);
        next.answers[0].display = "altro".into();
        assert_eq!(
            db.insert(&[next]).unwrap()[0].protocol().as_str(),
            "MI-2026-000004"
        );
    }

    #[test]
    fn a_database_of_a_later_version_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.sqlite3");
        drop(Db::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let err = Db::open(&path).err().expect("a newer schema is refused");
        assert!(matches!(err, StoreError::Migrate { .. }), "{err:?}");
        assert!(
            err.to_string().contains("cannot update its schema"),
            "{err}"
        );
        assert_eq!(user_version(&path), 99);
    }

    #[test]
    fn the_health_check_reads_no_table_scan() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("f.sqlite3")).unwrap();
        let plan = db.plan(Db::HEALTH_SQL).unwrap();
        assert!(!plan.contains("SCAN"), "{plan}");
        // The old check counted every row: a scan, which this test sees.
        assert!(db
            .plan("SELECT COUNT(*) FROM submissions")
            .unwrap()
            .contains("SCAN"));
    }
}
