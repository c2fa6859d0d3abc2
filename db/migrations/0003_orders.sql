-- Orders, their lines (prices fixed when placed), payments and how they
-- are spread over orders.

CREATE TABLE orders (
	id            TEXT PRIMARY KEY,
	number        TEXT NOT NULL UNIQUE,     -- DD-OFFICE-TT-YYYYMMDD-NNNN
	status        TEXT NOT NULL,
	subject       TEXT NOT NULL,            -- enterprise | personal
	holder_code   TEXT NOT NULL,            -- the one enterprise or person it is for
	holder_name   TEXT NOT NULL,
	applicant_id  TEXT NOT NULL REFERENCES applicants(id),
	method        TEXT NOT NULL CHECK (method IN ('transfer', 'online')),
	total_fen     INTEGER NOT NULL CHECK (total_fen >= 0),
	invoice_wanted INTEGER NOT NULL DEFAULT 0,
	invoice_title TEXT NOT NULL DEFAULT '',
	invoice_taxpayer_id TEXT NOT NULL DEFAULT '',
	invoice_email TEXT NOT NULL DEFAULT '',
	delivery      TEXT NOT NULL DEFAULT 'pickup' CHECK (delivery IN ('post', 'pickup')),
	recipient     TEXT NOT NULL DEFAULT '',
	recipient_phone TEXT NOT NULL DEFAULT '',
	recipient_address TEXT NOT NULL DEFAULT '',
	recipient_postal TEXT NOT NULL DEFAULT '',
	contact_phone TEXT NOT NULL DEFAULT '',  -- for notices
	reason        TEXT NOT NULL DEFAULT '',  -- why cancelled
	office_id     TEXT NOT NULL,
	terminal_id   TEXT NOT NULL,
	created_by    TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	paid_at       TEXT,
	version       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orders_status ON orders (status, id);
CREATE INDEX orders_holder ON orders (holder_code, id);
CREATE INDEX orders_applicant ON orders (applicant_id, id);

CREATE TABLE order_lines (
	order_id       TEXT NOT NULL REFERENCES orders(id),
	application_id TEXT NOT NULL REFERENCES applications(id),
	number         TEXT NOT NULL,
	kind           TEXT NOT NULL,
	subject        TEXT NOT NULL,
	years          INTEGER NOT NULL,
	price_fen      INTEGER NOT NULL CHECK (price_fen >= 0),
	PRIMARY KEY (order_id, application_id)
) WITHOUT ROWID;
CREATE INDEX order_lines_application ON order_lines (application_id);

-- A transfer (verified by a supervisor), an online payment, or a refund.
-- Rows are never edited after the fact: a refund is a new row.
CREATE TABLE payments (
	id            TEXT PRIMARY KEY,
	kind          TEXT NOT NULL CHECK (kind IN ('transfer', 'online', 'refund')),
	state         TEXT NOT NULL CHECK (state IN ('recorded', 'verified', 'rejected', 'done')),
	amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
	payer_name    TEXT NOT NULL DEFAULT '',
	payer_account TEXT NOT NULL DEFAULT '',
	bank          TEXT NOT NULL DEFAULT '',
	reference     TEXT NOT NULL DEFAULT '',  -- transfer reference or online transaction number
	channel       TEXT NOT NULL DEFAULT '',  -- wechat | alipay for online
	paid_on       TEXT NOT NULL DEFAULT '',  -- YYYY-MM-DD, as on the slip
	reason        TEXT NOT NULL DEFAULT '',  -- why rejected or refunded
	refund_of     TEXT REFERENCES payments(id),
	office_id     TEXT NOT NULL,
	terminal_id   TEXT NOT NULL,
	recorded_by   TEXT NOT NULL,
	recorded_at   TEXT NOT NULL,
	verified_by   TEXT,
	verified_at   TEXT,
	version       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX payments_state ON payments (kind, state, id);
CREATE INDEX payments_reference ON payments (reference, amount_fen);
CREATE INDEX payments_recorded ON payments (recorded_at);

CREATE TABLE payment_orders (
	payment_id TEXT NOT NULL REFERENCES payments(id),
	order_id   TEXT NOT NULL REFERENCES orders(id),
	amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
	PRIMARY KEY (payment_id, order_id)
) WITHOUT ROWID;
CREATE INDEX payment_orders_order ON payment_orders (order_id);
