-- Constructs from PostgreSQL's regression SQL that the splitter once read otherwise than psql.
CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));
SET standard_conforming_strings = off;
select 'a\'b' as x; select 2 as y; select 3 as z;
RESET standard_conforming_strings;
SELECT a[1:n], b[lo:hi] FROM t;
SELECT f[1][1:NULL][1] FROM t WHERE id = :id;
SELECT set_config('standard_conforming_strings', 'off', false);
