//! rusqlite errors as [`StoreError`]s: which failures are worth a retry, which mean the
//! database cannot be used, and which are bugs.

use std::path::Path;

use rusqlite::ErrorCode;

use crate::store::StoreError;

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        let detail = error.to_string();
        match error.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy(detail),
            Some(ErrorCode::DiskFull) => StoreError::Full(detail),
            Some(
                ErrorCode::ReadOnly
                | ErrorCode::CannotOpen
                | ErrorCode::NotADatabase
                | ErrorCode::DatabaseCorrupt
                | ErrorCode::SystemIoFailure
                | ErrorCode::PermissionDenied
                | ErrorCode::FileLockingProtocolFailed,
            ) => StoreError::Unavailable(detail),
            _ => StoreError::Internal(detail),
        }
    }
}

/// An error while opening `path`, with the path kept for the log. Out of descriptors, the
/// open fails as a missing file would; that is worth a retry once connections close.
pub(super) fn opening(path: &Path, error: rusqlite::Error) -> StoreError {
    if out_of_descriptors() {
        return StoreError::Busy(format!(
            "{}: no file descriptor free: {error}",
            path.display()
        ));
    }
    match StoreError::from(error) {
        StoreError::Busy(detail) => StoreError::Busy(format!("{}: {detail}", path.display())),
        StoreError::Full(detail) => StoreError::Full(format!("{}: {detail}", path.display())),
        StoreError::Internal(detail) | StoreError::Unavailable(detail) => {
            StoreError::Unavailable(format!("{}: {detail}", path.display()))
        }
        other => other,
    }
}

/// Whether this process (`EMFILE`) or the system (`ENFILE`) has run out of descriptors.
fn out_of_descriptors() -> bool {
    const ENFILE: i32 = 23;
    const EMFILE: i32 = 24;
    match std::fs::File::open("/dev/null") {
        Ok(_) => false,
        Err(error) => matches!(error.raw_os_error(), Some(ENFILE | EMFILE)),
    }
}
