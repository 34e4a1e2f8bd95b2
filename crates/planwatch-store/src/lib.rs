//! The store: embedded SQLite by default, PostgreSQL by configuration; migrations, audit rows in the same transaction.
