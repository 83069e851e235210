-- Data-quality checks on the sample shop: run them with
--   qgather SampleData/checks.sql --db SampleData/sample.db --keep-going
-- A statement with `-- expect:` above it is a check: it fails when its result does not meet
-- the expectation. Two of these fail on the sample data, on purpose.

-- name: no_empty_orders
-- expect: no rows
SELECT o.id FROM orders o
WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id);

-- name: quantities_are_positive
-- expect: no rows
SELECT id, order_id, quantity FROM order_items WHERE quantity <= 0;

-- name: no_order_before_signup
-- expect: no rows
SELECT o.id, o.order_date, c.signup_date
FROM orders o JOIN customers c ON c.id = o.customer_id
WHERE o.order_date < c.signup_date;

-- name: five_order_statuses
-- expect: value = 5
SELECT count(DISTINCT status) FROM orders;

-- name: customers_in_ten_countries_or_more
-- expect: rows >= 10
-- timeout: 10s
SELECT country_id, count(*) AS customers FROM customers GROUP BY country_id;

-- name: every_customer_has_a_phone
-- expect: no rows
SELECT id, first_name, last_name FROM customers WHERE phone IS NULL ORDER BY id;

-- name: only_known_statuses
-- expect: no rows
SELECT status, count(*) AS orders FROM orders
WHERE status NOT IN ('pending', 'shipped', 'delivered')
GROUP BY status ORDER BY status;
