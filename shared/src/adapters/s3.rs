//! S3 `Documents`: being written.
