-- A token that changes with every change to an agent row, whichever connection or process makes it:
-- the server keeps the agents it routes calls to in memory and reads them again only when the token
-- moved. Random rather than a counter, so a rolled-back change cannot leave behind a token that also
-- names another set of rows (53 bits, exact in JavaScript).
CREATE TABLE agents_version (
  only_row  INTEGER PRIMARY KEY CHECK (only_row = 1),
  token     INTEGER NOT NULL
) STRICT;
INSERT INTO agents_version (only_row, token) VALUES (1, random() >> 11);
CREATE TRIGGER agents_version_on_insert AFTER INSERT ON agents
  BEGIN UPDATE agents_version SET token = random() >> 11; END;
CREATE TRIGGER agents_version_on_update AFTER UPDATE ON agents
  BEGIN UPDATE agents_version SET token = random() >> 11; END;
CREATE TRIGGER agents_version_on_delete AFTER DELETE ON agents
  BEGIN UPDATE agents_version SET token = random() >> 11; END;
