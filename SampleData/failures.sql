-- qgather sample batch for fail-fast versus keep-going.
--
-- broken_order_totals fails: orders has no total_cents column (that column lives
-- in the order_totals view). Everything else succeeds. slow_checksum takes about
-- 2 seconds on SQLite, so with fail-fast it is still running when the broken
-- query fails and gets cancelled, while keep-going lets it (and the rest) finish.

-- name: customer_count
SELECT COUNT(*) AS customers,
       COUNT(phone) AS phone_not_null,
       COUNT(referred_by) AS referred
FROM customers;

-- name: slow_checksum
WITH RECURSIVE cnt (x) AS (
    SELECT 1
    UNION ALL
    SELECT x + 1 FROM cnt WHERE x < 9000000
)
SELECT COUNT(*) AS n,
       SUM(x % 7) AS checksum
FROM cnt;

-- name: broken_order_totals
SELECT o.id,
       o.order_date,
       o.total_cents
FROM orders o
ORDER BY o.id
LIMIT 5;

-- name: orders_by_status
SELECT status,
       COUNT(*) AS orders
FROM orders
GROUP BY status
ORDER BY orders DESC, status;

-- name: top_categories
SELECT cg.name AS category,
       SUM(oi.quantity) AS units
FROM order_items oi
JOIN products p ON p.id = oi.product_id
JOIN categories cg ON cg.id = p.category_id
GROUP BY cg.id, cg.name
ORDER BY units DESC, cg.id
LIMIT 3;

-- name: latest_orders
SELECT o.id AS order_id,
       o.order_date,
       o.customer_id,
       o.status
FROM orders o
ORDER BY o.order_date DESC, o.id DESC
LIMIT 5;
