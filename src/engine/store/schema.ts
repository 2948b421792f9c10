/**
 * The database layout, as numbered migrations. A database file records the version it
 * is at in `meta`; opening it applies what is missing, in order, in one transaction each.
 * README.md documents the resulting tables for people who open the file with the DuckDB CLI.
 */

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * Fields that are queried often live in their own typed columns (a count by status over
 * six million rows is a column scan, not six million JSON parses); the rest of a record's
 * fields go to `fields` as JSON. Formats name their fields with these canonical names.
 */
export const PROMOTED_FIELDS = {
  status: { column: 'status', type: 'number', sqlType: 'USMALLINT' },
  method: { column: 'method', type: 'text', sqlType: 'VARCHAR' },
  path: { column: 'path', type: 'text', sqlType: 'VARCHAR' },
  client: { column: 'client', type: 'text', sqlType: 'VARCHAR' },
  bytes: { column: 'bytes', type: 'number', sqlType: 'BIGINT' },
  duration_ms: { column: 'duration_ms', type: 'number', sqlType: 'DOUBLE' },
} as const;
export type PromotedField = keyof typeof PROMOTED_FIELDS;

export const migrations: Migration[] = [
  {
    version: 1,
    description: 'logs, sources and field names',
    sql: `
      CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

      -- One row per log record.
      CREATE TABLE logs (
        id          BIGINT    NOT NULL,  -- increasing in the order records were stored
        ts          TIMESTAMP NOT NULL,  -- event time, UTC
        ingest_ts   TIMESTAMP NOT NULL,  -- when LogScope stored it, UTC
        level       UTINYINT  NOT NULL,  -- 0 none, 1 trace, 2 debug, 3 info, 4 notice, 5 warn, 6 error, 7 fatal
        source      VARCHAR   NOT NULL,  -- file path or receiver name
        line        UBIGINT   NOT NULL,  -- first line of the record in its source, from 1; 0 if not a file
        host        VARCHAR,
        app         VARCHAR,
        message     VARCHAR   NOT NULL,
        format      VARCHAR   NOT NULL,  -- the format that parsed it ('raw' when none did)
        status      USMALLINT,           -- promoted fields (see PROMOTED_FIELDS)
        method      VARCHAR,
        path        VARCHAR,
        client      VARCHAR,
        bytes       BIGINT,
        duration_ms DOUBLE,
        fields      JSON,                -- every other field of the record
        parse_error VARCHAR              -- why no format parsed this line (kept raw)
      );

      -- Each source (file, receiver) once, with what detection chose for it.
      CREATE TABLE sources (
        name      VARCHAR PRIMARY KEY,
        kind      VARCHAR NOT NULL,
        format    VARCHAR,
        records   BIGINT  NOT NULL DEFAULT 0,
        unparsed  BIGINT  NOT NULL DEFAULT 0,
        first_ts  TIMESTAMP,
        last_ts   TIMESTAMP,
        added_at  TIMESTAMP NOT NULL
      );

      -- Names of the JSON fields seen, for completion and for "unknown field" errors.
      CREATE TABLE field_names (name VARCHAR PRIMARY KEY, type VARCHAR NOT NULL);
    `,
  },
  {
    version: 2,
    description: 'patterns: template ids on records, and the templates table',
    sql: `
      ALTER TABLE logs ADD COLUMN template_id UINTEGER;  -- the record's pattern (templates.id)
      ALTER TABLE logs ADD COLUMN params VARCHAR;        -- the pattern's variable values, a JSON array

      -- One row per pattern the miner found. When a pattern turns out to be another one,
      -- merged_into names the survivor and queries for either find both.
      CREATE TABLE templates (
        id          UINTEGER PRIMARY KEY,
        template    VARCHAR   NOT NULL,  -- variables written <*>
        first_ts    TIMESTAMP NOT NULL,
        last_ts     TIMESTAMP NOT NULL,
        count       BIGINT    NOT NULL,
        example     VARCHAR   NOT NULL,
        merged_into UINTEGER
      );

      -- The miner's own state, so ids stay the same across restarts.
      CREATE TABLE miner_state (id INTEGER PRIMARY KEY, state JSON NOT NULL, saved_at TIMESTAMP NOT NULL);
    `,
  },
  {
    version: 3,
    description: 'followed files: where reading stopped, by fingerprint',
    sql: `
      -- One row per followed file, keyed by a fingerprint of its first bytes (not its path,
      -- which rotation reuses). Updated in the same transaction as the rows read, so after a
      -- restart or crash reading resumes exactly after the last stored line.
      CREATE TABLE file_offsets (
        fingerprint VARCHAR   PRIMARY KEY,
        path        VARCHAR   NOT NULL,  -- where the file was last seen
        byte_offset UBIGINT   NOT NULL,  -- bytes consumed (always at a line boundary)
        line        UBIGINT   NOT NULL,  -- lines consumed
        updated_at  TIMESTAMP NOT NULL
      );
    `,
  },
  {
    version: 4,
    description: 'classification: category and inferred severity per pattern, effective severity per record, overrides',
    sql: `
      -- What the models (src/engine/ml) say about each pattern, or a person's override.
      -- Classified once per pattern (again when its text generalises), never per line.
      ALTER TABLE templates ADD COLUMN category VARCHAR;            -- TAXONOMY.md category
      ALTER TABLE templates ADD COLUMN category_confidence REAL;    -- the model's probability (1 for an override)
      ALTER TABLE templates ADD COLUMN severity UTINYINT;           -- inferred level code (1 trace .. 7 fatal), for records without one
      ALTER TABLE templates ADD COLUMN severity_confidence REAL;
      ALTER TABLE templates ADD COLUMN classified_by VARCHAR;       -- 'category@1.0.0 severity@1.0.0', or 'override'

      -- The effective severity of a record: its own level, or its pattern's inferred one
      -- when the source gave none (severity_inferred). Filled when rows are committed;
      -- NULL on rows stored before, or before their pattern was classified. Queries
      -- (severity>=warn) compute it from level and templates, so they never depend on it.
      ALTER TABLE logs ADD COLUMN severity UTINYINT;
      ALTER TABLE logs ADD COLUMN severity_inferred BOOLEAN;

      -- People's corrections of a pattern's category or severity: they win over the models
      -- at once, survive restarts and retraining, and are exported for the next training
      -- (pattern-overrides.jsonl in the data folder; npm run train -- --overrides FILE).
      CREATE TABLE pattern_overrides (
        template_id UINTEGER PRIMARY KEY,
        category    VARCHAR,
        severity    UTINYINT,
        template    VARCHAR   NOT NULL,  -- the pattern's text when it was corrected
        updated_at  TIMESTAMP NOT NULL
      );
    `,
  },
  {
    version: 5,
    description: 'alerts: rules, the current state per rule and group, and every state change',
    sql: `
      -- Alert rules (src/shared/alerts.ts says what each kind means). spec is the rule as
      -- its JSON file has it; built-in rules ship with the app and start off.
      CREATE TABLE alert_rules (
        id         VARCHAR   PRIMARY KEY,
        spec       JSON      NOT NULL,
        enabled    BOOLEAN   NOT NULL,
        builtin    BOOLEAN   NOT NULL,
        created_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL
      );

      -- Where each (rule, group) stands now: one row per alert, replaced as it changes.
      CREATE TABLE alerts (
        id             VARCHAR   PRIMARY KEY,  -- rule id + the group's values
        rule_id        VARCHAR   NOT NULL,
        group_values   JSON      NOT NULL,     -- {"host": "web1"}; {} without groupBy
        state          VARCHAR   NOT NULL,     -- pending | firing | resolved
        started_at     TIMESTAMP NOT NULL,
        fired_at       TIMESTAMP,
        resolved_at    TIMESTAMP,
        value          DOUBLE    NOT NULL,
        peak           DOUBLE    NOT NULL,
        acknowledged   BOOLEAN   NOT NULL,
        silenced_until TIMESTAMP,
        window_from    TIMESTAMP NOT NULL,     -- the window the value covers
        window_to      TIMESTAMP NOT NULL
      );

      -- Every state change, acknowledgement and silence: the history. live is false for
      -- changes judged over imported history (never notified).
      CREATE TABLE alert_events (
        changed_at   TIMESTAMP NOT NULL,
        alert_id     VARCHAR   NOT NULL,
        rule_id      VARCHAR   NOT NULL,
        rule_name    VARCHAR   NOT NULL,
        group_values JSON      NOT NULL,
        from_state   VARCHAR,
        to_state     VARCHAR   NOT NULL,       -- pending | firing | resolved | acknowledged | silenced
        value        DOUBLE    NOT NULL,
        live         BOOLEAN   NOT NULL
      );
    `,
  },
  {
    version: 6,
    description: 'anomaly scores per record, and people\'s verdicts on patterns and records',
    sql: `
      -- The per-record anomaly model's answer (src/engine/ml/anomaly), given when the row
      -- is committed, a person's verdict applied: score in [0, 1] and decision. NULL when no
      -- anomaly model was in use (missing or broken model files; rows stored before v6).
      ALTER TABLE logs ADD COLUMN anomaly REAL;
      ALTER TABLE logs ADD COLUMN anomalous BOOLEAN;
      -- The features that drove the score (JSON array, most weight first), kept for the
      -- anomalous records only: features depend on the stream's state at the time, so they
      -- cannot be recomputed later, and the other records rarely need a why.
      ALTER TABLE logs ADD COLUMN anomaly_reasons VARCHAR;

      -- People's verdicts: a pattern (template_id) or one record (record_id) is 'normal' or
      -- 'anomalous'. They win over the model at once, survive restarts, and refits learn
      -- from them (records marked anomalous leave the baseline).
      CREATE TABLE anomaly_overrides (
        template_id UINTEGER,
        record_id   BIGINT,
        verdict     VARCHAR   NOT NULL,  -- 'normal' | 'anomalous'
        template    VARCHAR,             -- the pattern's text when it was marked
        updated_at  TIMESTAMP NOT NULL
      );
    `,
  },
  {
    version: 7,
    description: 'the message skip index (trigram bits per block of ids)',
    sql: `
      -- Per block of 2,048 consecutive ids (block = id // 2048), one bit per hashed trigram
      -- of the case-folded messages (src/engine/store/message-grams.ts): a substring search
      -- reads only the blocks that hold all its needle's trigrams. A block without a row
      -- here (its rows not all committed yet, or stored before v7 and not yet indexed) is
      -- always read.
      CREATE TABLE message_grams (
        block UBIGINT PRIMARY KEY,
        bits  BIT     NOT NULL
      );
    `,
  },
];

// Helpers add migrations side by side: keep them in version order whatever order they were written in.
migrations.sort((a, b) => a.version - b.version);

export const SCHEMA_VERSION = migrations[migrations.length - 1]!.version;
