-- Counter services beyond new and renewal (issue 10): change, reissue,
-- revoke and unlock applications, and the PUKs the centre keeps to unlock
-- KEYs.

-- Why the applicant asks (a revoke's reason, a reissue's loss or damage,
-- what a change changes), as typed; and when a service that makes no
-- certificate (revoke, unlock) was carried out (status 'done').
ALTER TABLE applications ADD COLUMN service_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN done_at TEXT;
CREATE INDEX applications_done ON applications (done_at) WHERE done_at IS NOT NULL;
-- The unlock applications waiting at the counter for a KEY's certificate.
CREATE INDEX applications_serial ON applications (cert_serial, kind, status) WHERE cert_serial <> '';

-- The centre's PUKs, one per KEY (its PIV CHUID, as certificates.card_id),
-- sealed with libsodium's secretbox under a key that lives in a file of the
-- centre, never in a database. The sealed text is "CARD_ID\0PUK", so a row
-- copied onto another KEY's does not open as that KEY's. Only certdeskd
-- fills and reads it; it is never synced, and stays empty on terminals.
CREATE TABLE key_puks (
	card_id    TEXT PRIMARY KEY,          -- upper-case hex
	nonce      TEXT NOT NULL,             -- 24 bytes, hex
	sealed     TEXT NOT NULL,             -- secretbox of "CARD_ID\0PUK", hex
	loaded_at  TEXT NOT NULL,
	released   INTEGER NOT NULL DEFAULT 0 -- how many times it went to a counter
) WITHOUT ROWID;

-- The service kinds' prices, for a price list made before they were
-- offered (new databases get them from db/seed/prices.txt at setup). Fixed
-- ids: the centre and its terminals add the same rows, so a pull finds its
-- own row by id rather than a second one for the same item. Zero fen: an
-- admin sets the office's prices.
INSERT INTO price_list (id, kind, subject, years, price_fen, active, updated_at)
SELECT v.id, v.kind, v.subject, 0, 0, 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM (SELECT '0190a4c0-0000-7000-8000-000000000901' AS id, 'change' AS kind, 'enterprise' AS subject
      UNION ALL SELECT '0190a4c0-0000-7000-8000-000000000902', 'change', 'personal'
      UNION ALL SELECT '0190a4c0-0000-7000-8000-000000000903', 'reissue', 'enterprise'
      UNION ALL SELECT '0190a4c0-0000-7000-8000-000000000904', 'reissue', 'personal'
      UNION ALL SELECT '0190a4c0-0000-7000-8000-000000000905', 'revoke', 'enterprise'
      UNION ALL SELECT '0190a4c0-0000-7000-8000-000000000906', 'revoke', 'personal'
      UNION ALL SELECT '0190a4c0-0000-7000-8000-000000000907', 'unlock', 'enterprise'
      UNION ALL SELECT '0190a4c0-0000-7000-8000-000000000908', 'unlock', 'personal') v
WHERE EXISTS (SELECT 1 FROM price_list)
  AND NOT EXISTS (SELECT 1 FROM price_list p WHERE p.kind = v.kind AND p.subject = v.subject
                  AND p.years = 0);
