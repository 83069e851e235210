-- Deterministic sample data for the shop schema.
--
-- Everything is derived from integer sequences (WITH RECURSIVE) and integer
-- hashing, so SQLite and PostgreSQL produce exactly the same rows:
--
--   hash16(x, K) = (x * K) % 4294967296 / 65536          -- 0 .. 65535
--
-- K is always a literal larger than 2^31 (2654435761, 2246822519, 3266489917,
-- 2869860233, 2971215073), which makes PostgreSQL compute in bigint instead of
-- overflowing int4. SQLite always uses 64-bit integers, so both agree.
-- No random(), no floating point, no date functions, no printf / lpad.

-- Regions and countries -------------------------------------------------------

INSERT INTO regions (id, code, name) VALUES
    (1, 'NA', 'North America'),
    (2, 'EMEA', 'Europe'),
    (3, 'APAC', 'Asia Pacific'),
    (4, 'LATAM', 'Latin America');

INSERT INTO countries (id, code, name, region_id) VALUES
    (1, 'US', 'United States', 1),
    (2, 'CA', 'Canada', 1),
    (3, 'MX', 'Mexico', 4),
    (4, 'BR', 'Brazil', 4),
    (5, 'AR', 'Argentina', 4),
    (6, 'GB', 'United Kingdom', 2),
    (7, 'DE', 'Germany', 2),
    (8, 'FR', 'France', 2),
    (9, 'ES', 'Spain', 2),
    (10, 'NL', 'Netherlands', 2),
    (11, 'JP', 'Japan', 3),
    (12, 'AU', 'Australia', 3),
    (13, 'IN', 'India', 3),
    (14, 'SG', 'Singapore', 3);

INSERT INTO categories (id, name) VALUES
    (1, 'Books'),
    (2, 'Electronics'),
    (3, 'Kitchen'),
    (4, 'Toys'),
    (5, 'Garden'),
    (6, 'Sports'),
    (7, 'Beauty'),
    (8, 'Grocery');

-- Calendar 2022-01-01 .. 2024-12-31 (1096 days) --------------------------------
-- Walks day by day, handling month lengths and leap years with CASE.

INSERT INTO calendar (day_no, day, year, month, day_of_month, weekday)
WITH RECURSIVE d (n, y, m, dd) AS (
    SELECT 0, 2022, 1, 1
    UNION ALL
    SELECT n + 1,
           CASE WHEN m = 12 AND dd = 31 THEN y + 1 ELSE y END,
           CASE WHEN dd = CASE WHEN m = 2 THEN CASE WHEN y % 4 = 0 AND (y % 100 <> 0 OR y % 400 = 0) THEN 29 ELSE 28 END
                               WHEN m IN (4, 6, 9, 11) THEN 30
                               ELSE 31 END
                THEN CASE WHEN m = 12 THEN 1 ELSE m + 1 END
                ELSE m END,
           CASE WHEN dd = CASE WHEN m = 2 THEN CASE WHEN y % 4 = 0 AND (y % 100 <> 0 OR y % 400 = 0) THEN 29 ELSE 28 END
                               WHEN m IN (4, 6, 9, 11) THEN 30
                               ELSE 31 END
                THEN 1
                ELSE dd + 1 END
    FROM d
    WHERE n < 1095
)
SELECT n,
       CAST(y AS TEXT) || '-'
           || CASE WHEN m < 10 THEN '0' ELSE '' END || CAST(m AS TEXT) || '-'
           || CASE WHEN dd < 10 THEN '0' ELSE '' END || CAST(dd AS TEXT),
       y,
       m,
       dd,
       (n + 6) % 7
FROM d
ORDER BY n;

-- Customers (2000) ------------------------------------------------------------
-- Ids are in signup order. Customers 1901..2000 signed up in the last weeks of
-- 2024. About 17% have a NULL phone, about 4% an empty-string phone, about
-- a quarter were referred by an earlier customer (referred_by NULL otherwise).

INSERT INTO customers (id, first_name, last_name, email, phone, country_id, signup_date, referred_by, marketing_opt_in)
WITH RECURSIVE seq (i) AS (
    SELECT 1
    UNION ALL
    SELECT i + 1 FROM seq WHERE i < 2000
),
first_names (k, name) AS (
    VALUES (0, 'James'), (1, 'Mary'), (2, 'Robert'), (3, 'Patricia'), (4, 'John'),
           (5, 'Jennifer'), (6, 'Michael'), (7, 'Linda'), (8, 'David'), (9, 'Elizabeth'),
           (10, 'William'), (11, 'Barbara'), (12, 'Richard'), (13, 'Susan'), (14, 'Joseph'),
           (15, 'Jessica'), (16, 'Thomas'), (17, 'Sarah'), (18, 'Carlos'), (19, 'Karen'),
           (20, 'Hiroshi'), (21, 'Yuki'), (22, 'Lukas'), (23, 'Emma'), (24, 'Pierre'),
           (25, 'Sofia'), (26, 'Rahul'), (27, 'Priya'), (28, 'Mateo'), (29, 'Olivia')
),
last_names (k, name) AS (
    VALUES (0, 'Smith'), (1, 'Johnson'), (2, 'Williams'), (3, 'Brown'), (4, 'Jones'),
           (5, 'Garcia'), (6, 'Miller'), (7, 'Davis'), (8, 'Rodriguez'), (9, 'Martinez'),
           (10, 'Lopez'), (11, 'Wilson'), (12, 'Anderson'), (13, 'Taylor'), (14, 'Moore'),
           (15, 'Jackson'), (16, 'Martin'), (17, 'Lee'), (18, 'Tanaka'), (19, 'Sato'),
           (20, 'Mueller'), (21, 'Schmidt'), (22, 'Dubois'), (23, 'Moreau'), (24, 'Patel'),
           (25, 'Sharma'), (26, 'Silva'), (27, 'Santos'), (28, 'Walker'), (29, 'Young')
),
h AS (
    SELECT i,
           (i * 2654435761) % 4294967296 / 65536 AS h1,
           (i * 2246822519) % 4294967296 / 65536 AS h2,
           (i * 3266489917) % 4294967296 / 65536 AS h3,
           (i * 2869860233) % 4294967296 / 65536 AS h4,
           CASE WHEN i <= 1900 THEN (i - 1) * 1000 / 1900
                ELSE 1000 + (i - 1901) * 95 / 99 END AS signup_day
    FROM seq
),
c AS (
    SELECT h.*,
           CASE WHEN h1 / 30 % 100 < 28 THEN 1
                WHEN h1 / 30 % 100 < 34 THEN 2
                WHEN h1 / 30 % 100 < 39 THEN 3
                WHEN h1 / 30 % 100 < 45 THEN 4
                WHEN h1 / 30 % 100 < 48 THEN 5
                WHEN h1 / 30 % 100 < 58 THEN 6
                WHEN h1 / 30 % 100 < 67 THEN 7
                WHEN h1 / 30 % 100 < 74 THEN 8
                WHEN h1 / 30 % 100 < 78 THEN 9
                WHEN h1 / 30 % 100 < 81 THEN 10
                WHEN h1 / 30 % 100 < 87 THEN 11
                WHEN h1 / 30 % 100 < 92 THEN 12
                WHEN h1 / 30 % 100 < 97 THEN 13
                ELSE 14 END AS country_id
    FROM h
)
SELECT c.i,
       f.name,
       l.name,
       lower(f.name) || '.' || lower(l.name) || CAST(c.i AS TEXT) || '@example.com',
       CASE WHEN c.h2 % 100 < 17 THEN NULL
            WHEN c.h2 % 100 < 21 THEN ''
            ELSE '+' || CASE c.country_id
                             WHEN 1 THEN '1' WHEN 2 THEN '1' WHEN 3 THEN '52' WHEN 4 THEN '55'
                             WHEN 5 THEN '54' WHEN 6 THEN '44' WHEN 7 THEN '49' WHEN 8 THEN '33'
                             WHEN 9 THEN '34' WHEN 10 THEN '31' WHEN 11 THEN '81' WHEN 12 THEN '61'
                             WHEN 13 THEN '91' ELSE '65' END
                 || '-555-' || CAST(1000 + c.h3 % 9000 AS TEXT) END,
       c.country_id,
       cal.day,
       CASE WHEN c.i > 40 AND c.h4 % 100 < 27 THEN 1 + c.h3 % (c.i - 1) ELSE NULL END,
       CASE WHEN c.h4 / 100 % 5 < 2 THEN 1 ELSE 0 END
FROM c
JOIN first_names f ON f.k = c.h1 % 30
JOIN last_names l ON l.k = c.h2 / 100 % 30
JOIN calendar cal ON cal.day_no = c.signup_day
ORDER BY c.i;

-- Products (200) --------------------------------------------------------------
-- Products 196..200 are new arrivals that nobody has bought yet.

INSERT INTO products (id, sku, name, category_id, price_cents, weight_grams)
WITH RECURSIVE seq (i) AS (
    SELECT 1
    UNION ALL
    SELECT i + 1 FROM seq WHERE i < 200
),
nouns (category_id, k, noun) AS (
    VALUES (1, 0, 'Novel'), (1, 1, 'Cookbook'), (1, 2, 'Atlas'), (1, 3, 'Biography'), (1, 4, 'Comic'),
           (2, 0, 'Headphones'), (2, 1, 'Charger'), (2, 2, 'Speaker'), (2, 3, 'Keyboard'), (2, 4, 'Monitor'),
           (3, 0, 'Kettle'), (3, 1, 'Skillet'), (3, 2, 'Blender'), (3, 3, 'Mug'), (3, 4, 'Knife'),
           (4, 0, 'Puzzle'), (4, 1, 'Robot'), (4, 2, 'Blocks'), (4, 3, 'Plush'), (4, 4, 'Kite'),
           (5, 0, 'Shovel'), (5, 1, 'Hose'), (5, 2, 'Planter'), (5, 3, 'Seeds'), (5, 4, 'Lantern'),
           (6, 0, 'Dumbbell'), (6, 1, 'Racket'), (6, 2, 'Bottle'), (6, 3, 'Helmet'), (6, 4, 'Backpack'),
           (7, 0, 'Shampoo'), (7, 1, 'Lotion'), (7, 2, 'Perfume'), (7, 3, 'Lipstick'), (7, 4, 'Brush'),
           (8, 0, 'Coffee'), (8, 1, 'Tea'), (8, 2, 'Honey'), (8, 3, 'Pasta'), (8, 4, 'Chocolate')
),
adjectives (k, adj) AS (
    VALUES (0, 'Classic'), (1, 'Deluxe'), (2, 'Compact'), (3, 'Eco'), (4, 'Pro'),
           (5, 'Travel'), (6, 'Premium'), (7, 'Basic'), (8, 'Smart'), (9, 'Vintage')
),
-- price range in cents (lo .. lo + span) and typical weight per category
pricing (category_id, lo, span, weight_lo) AS (
    VALUES (1, 599, 4400, 200), (2, 1999, 38000, 150), (3, 999, 14000, 300), (4, 799, 9200, 100),
           (5, 499, 12000, 250), (6, 1499, 22000, 200), (7, 399, 6600, 50), (8, 199, 2800, 100)
),
h AS (
    SELECT i,
           (i * 2654435761) % 4294967296 / 65536 AS h1,
           (i * 2246822519) % 4294967296 / 65536 AS h2,
           (i * 3266489917) % 4294967296 / 65536 AS h3,
           1 + (i * 2654435761) % 4294967296 / 65536 % 8 AS category_id
    FROM seq
)
SELECT h.i,
       upper(substr(cg.name, 1, 3)) || '-' || upper(n.noun) || '-'
           || CASE WHEN h.i < 10 THEN '00' WHEN h.i < 100 THEN '0' ELSE '' END || CAST(h.i AS TEXT),
       a.adj || ' ' || n.noun || ' ' || CAST(10 + h.h3 % 90 AS TEXT),
       h.category_id,
       (pr.lo + h.h2 % pr.span) / 100 * 100 + 99,
       CASE WHEN h.h3 % 11 = 0 THEN NULL ELSE pr.weight_lo + h.h3 % (pr.weight_lo * 3) END
FROM h
JOIN categories cg ON cg.id = h.category_id
JOIN nouns n ON n.category_id = h.category_id AND n.k = h.h1 / 8 % 5
JOIN adjectives a ON a.k = h.h2 / 7 % 10
JOIN pricing pr ON pr.category_id = h.category_id
ORDER BY h.i;

-- Orders (~28,500) -----------------------------------------------------------
-- Each customer gets a deterministic number of orders (0 for about 1 in 29
-- customers and for everyone who signed up after day 1000, 1 for about 1 in 8),
-- spread between the signup day and 2024-12-31. Order ids follow date order.

INSERT INTO orders (id, customer_id, order_date, status, shipping_cents, coupon_code)
WITH RECURSIVE k (n) AS (
    SELECT 1
    UNION ALL
    SELECT n + 1 FROM k WHERE n < 200
),
c AS (
    SELECT cu.id,
           cal.day_no AS sday,
           (cu.id * 2971215073) % 4294967296 / 65536 AS g
    FROM customers cu
    JOIN calendar cal ON cal.day = cu.signup_date
),
cn AS (
    SELECT id,
           sday,
           CASE WHEN id > 1900 OR g % 29 = 0 THEN 0
                WHEN g % 8 = 0 THEN 1
                ELSE 2 + (g / 29 % 70) * (g / 29 % 70) * (1096 - sday) / 60000 END AS norders
    FROM c
),
raw AS (
    SELECT cn.id AS customer_id,
           k.n AS seq_no,
           cn.sday + ((cn.id * 1000 + k.n) * 2654435761) % 4294967296 / 65536 % (1096 - cn.sday) AS day_no
    FROM cn
    JOIN k ON k.n <= cn.norders
),
numbered AS (
    SELECT ROW_NUMBER() OVER (ORDER BY day_no, customer_id, seq_no) AS id,
           customer_id,
           day_no
    FROM raw
),
s AS (
    SELECT numbered.*,
           (id * 2246822519) % 4294967296 / 65536 AS hs
    FROM numbered
)
SELECT s.id,
       s.customer_id,
       cal.day,
       CASE WHEN s.day_no >= 1089 THEN CASE WHEN s.hs % 3 = 0 THEN 'shipped' ELSE 'pending' END
            WHEN s.day_no >= 1080 AND s.hs % 2 = 0 THEN 'shipped'
            WHEN s.hs % 100 < 4 THEN 'cancelled'
            WHEN s.hs % 100 < 7 THEN 'returned'
            ELSE 'delivered' END,
       CASE WHEN s.hs / 100 % 5 = 0 THEN 0
            WHEN s.hs / 100 % 5 < 4 THEN 499
            ELSE 999 END,
       CASE s.hs / 500 % 16
            WHEN 0 THEN 'WELCOME10'
            WHEN 1 THEN 'FREESHIP'
            WHEN 2 THEN 'SPRING5'
            ELSE NULL END
FROM s
JOIN calendar cal ON cal.day_no = s.day_no
ORDER BY s.id;

-- Order items (~100,000) -------------------------------------------------------
-- 1..6 lines per order. Product popularity is skewed (a few best sellers, a
-- long tail), quantities are mostly 1, and about 1 line in 8 got 10% off.

INSERT INTO order_items (id, order_id, line_no, product_id, quantity, unit_price_cents)
WITH RECURSIVE k (n) AS (
    SELECT 1
    UNION ALL
    SELECT n + 1 FROM k WHERE n < 6
),
lines AS (
    SELECT o.id AS order_id,
           k.n AS line_no,
           o.id * 8 + k.n AS lkey
    FROM orders o
    JOIN k ON k.n <= 1 + (o.id * 3266489917) % 4294967296 / 65536 % 6
),
picked AS (
    SELECT order_id,
           line_no,
           (lkey * 2654435761) % 4294967296 / 107375 AS u,
           (lkey * 2246822519) % 4294967296 / 65536 AS q
    FROM lines
),
mapped AS (
    SELECT order_id,
           line_no,
           q,
           1 + (u * u / 8205128) * 73 % 195 AS product_id
    FROM picked
)
SELECT ROW_NUMBER() OVER (ORDER BY m.order_id, m.line_no),
       m.order_id,
       m.line_no,
       m.product_id,
       CASE WHEN m.q % 10 < 7 THEN 1
            WHEN m.q % 10 < 9 THEN 2
            ELSE 3 + m.q / 10 % 3 END,
       CASE WHEN m.q / 30 % 8 = 0 THEN p.price_cents * 9 / 10 ELSE p.price_cents END
FROM mapped m
JOIN products p ON p.id = m.product_id
ORDER BY m.order_id, m.line_no;
