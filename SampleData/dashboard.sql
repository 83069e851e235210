-- qgather sample dashboard: named report queries over the sample shop database.
-- Each query is preceded by its own name comment line. Money is integer cents.
-- "Net" revenue excludes cancelled and returned orders.
-- Every ORDER BY ends in a unique key, so the output is stable and identical on
-- SQLite and PostgreSQL. Averages and shares use integer arithmetic only.
--
-- Deliberately heavy queries (to make parallel execution visible):
--   frequently_bought_together  self-join of order_items on order_id
--   order_sequence_stats        correlated subqueries per 2024 order and per line (order number,
--                               and lines with a product the customer never bought before)
--   spend_milestones            recursive walk through the order history of every customer
-- contact_data_quality shows NULL versus empty string: COUNT(phone) counts blank phones, not NULL ones.

-- name: revenue_by_month
SELECT substr(o.order_date, 1, 7) AS month,
       COUNT(DISTINCT o.id) AS orders,
       SUM(oi.quantity) AS units,
       SUM(oi.quantity * oi.unit_price_cents) AS revenue_cents
FROM orders o
JOIN order_items oi ON oi.order_id = o.id
WHERE o.status NOT IN ('cancelled', 'returned')
GROUP BY substr(o.order_date, 1, 7)
ORDER BY month;

-- name: top_customers
SELECT c.id AS customer_id,
       c.first_name,
       c.last_name,
       co.code AS country,
       COUNT(DISTINCT o.id) AS orders,
       SUM(oi.quantity * oi.unit_price_cents) AS revenue_cents
FROM customers c
JOIN countries co ON co.id = c.country_id
JOIN orders o ON o.customer_id = c.id AND o.status NOT IN ('cancelled', 'returned')
JOIN order_items oi ON oi.order_id = o.id
GROUP BY c.id, c.first_name, c.last_name, co.code
ORDER BY revenue_cents DESC, c.id
LIMIT 10;

-- name: best_selling_products
SELECT p.id AS product_id,
       p.sku,
       cg.name AS category,
       SUM(oi.quantity) AS units_sold,
       COUNT(DISTINCT oi.order_id) AS orders,
       SUM(oi.quantity * oi.unit_price_cents) AS revenue_cents
FROM order_items oi
JOIN orders o ON o.id = oi.order_id
JOIN products p ON p.id = oi.product_id
JOIN categories cg ON cg.id = p.category_id
WHERE o.status NOT IN ('cancelled', 'returned')
GROUP BY p.id, p.sku, cg.name
ORDER BY units_sold DESC, p.id
LIMIT 15;

-- name: revenue_by_category
SELECT cg.name AS category,
       COUNT(DISTINCT oi.product_id) AS products_sold,
       SUM(oi.quantity) AS units,
       SUM(oi.quantity * oi.unit_price_cents) AS revenue_cents,
       CAST(SUM(oi.quantity * oi.unit_price_cents) * 1000 / MAX(t.total) / 10 AS TEXT) || '.'
           || CAST(SUM(oi.quantity * oi.unit_price_cents) * 1000 / MAX(t.total) % 10 AS TEXT) AS share_pct
FROM order_items oi
JOIN orders o ON o.id = oi.order_id
JOIN products p ON p.id = oi.product_id
JOIN categories cg ON cg.id = p.category_id
CROSS JOIN (
    SELECT SUM(oi2.quantity * oi2.unit_price_cents) AS total
    FROM order_items oi2
    JOIN orders o2 ON o2.id = oi2.order_id
    WHERE o2.status NOT IN ('cancelled', 'returned')
) t
WHERE o.status NOT IN ('cancelled', 'returned')
GROUP BY cg.id, cg.name
ORDER BY revenue_cents DESC, cg.id;

-- name: orders_per_region
SELECT r.code AS region,
       COUNT(DISTINCT c.country_id) AS countries,
       COUNT(DISTINCT o.customer_id) AS buying_customers,
       COUNT(*) AS orders,
       SUM(ot.subtotal_cents) AS revenue_cents,
       SUM(ot.subtotal_cents) / COUNT(*) AS avg_order_cents
FROM orders o
JOIN order_totals ot ON ot.order_id = o.id
JOIN customers c ON c.id = o.customer_id
JOIN countries co ON co.id = c.country_id
JOIN regions r ON r.id = co.region_id
WHERE o.status NOT IN ('cancelled', 'returned')
GROUP BY r.id, r.code
ORDER BY orders DESC, r.id;

-- name: average_basket
SELECT substr(o.order_date, 1, 4) AS year,
       COUNT(DISTINCT o.id) AS orders,
       SUM(oi.quantity * oi.unit_price_cents) / COUNT(DISTINCT o.id) AS avg_basket_cents,
       CAST(COUNT(*) / COUNT(DISTINCT o.id) AS TEXT) || '.'
           || CASE WHEN COUNT(*) * 100 / COUNT(DISTINCT o.id) % 100 < 10 THEN '0' ELSE '' END
           || CAST(COUNT(*) * 100 / COUNT(DISTINCT o.id) % 100 AS TEXT) AS avg_lines,
       CAST(SUM(oi.quantity) / COUNT(DISTINCT o.id) AS TEXT) || '.'
           || CASE WHEN SUM(oi.quantity) * 100 / COUNT(DISTINCT o.id) % 100 < 10 THEN '0' ELSE '' END
           || CAST(SUM(oi.quantity) * 100 / COUNT(DISTINCT o.id) % 100 AS TEXT) AS avg_units
FROM orders o
JOIN order_items oi ON oi.order_id = o.id
WHERE o.status NOT IN ('cancelled', 'returned')
GROUP BY substr(o.order_date, 1, 4)
ORDER BY year;

-- name: customers_without_orders
SELECT c.id AS customer_id,
       c.first_name,
       c.last_name,
       c.signup_date,
       CASE WHEN c.phone IS NULL THEN '(null)'
            WHEN c.phone = '' THEN '(blank)'
            ELSE c.phone END AS phone
FROM customers c
WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)
ORDER BY c.signup_date, c.id;

-- name: repeat_customer_rate
SELECT substr(c.signup_date, 1, 4) AS signup_year,
       COUNT(*) AS customers,
       SUM(CASE WHEN n.orders >= 1 THEN 1 ELSE 0 END) AS buyers,
       SUM(CASE WHEN n.orders >= 2 THEN 1 ELSE 0 END) AS repeat_buyers,
       SUM(CASE WHEN n.orders >= 2 THEN 1 ELSE 0 END) * 100
           / SUM(CASE WHEN n.orders >= 1 THEN 1 ELSE 0 END) AS repeat_rate_pct
FROM customers c
JOIN (
    SELECT cu.id AS customer_id, COUNT(o.id) AS orders
    FROM customers cu
    LEFT JOIN orders o ON o.customer_id = cu.id AND o.status <> 'cancelled'
    GROUP BY cu.id
) n ON n.customer_id = c.id
GROUP BY substr(c.signup_date, 1, 4)
ORDER BY signup_year;

-- name: order_status_breakdown
SELECT o.status,
       COUNT(*) AS orders,
       COUNT(*) * 1000 / MAX(t.total) AS per_mille,
       MIN(o.order_date) AS first_order,
       MAX(o.order_date) AS last_order
FROM orders o
CROSS JOIN (SELECT COUNT(*) AS total FROM orders) t
GROUP BY o.status
ORDER BY orders DESC, o.status;

-- name: sales_by_weekday
SELECT cal.weekday,
       CASE cal.weekday WHEN 0 THEN 'Sun' WHEN 1 THEN 'Mon' WHEN 2 THEN 'Tue' WHEN 3 THEN 'Wed'
                        WHEN 4 THEN 'Thu' WHEN 5 THEN 'Fri' ELSE 'Sat' END AS day_name,
       COUNT(*) AS orders,
       SUM(ot.subtotal_cents) AS revenue_cents
FROM order_totals ot
JOIN calendar cal ON cal.day = ot.order_date
WHERE ot.status NOT IN ('cancelled', 'returned')
GROUP BY cal.weekday
ORDER BY cal.weekday;

-- name: contact_data_quality
SELECT co.code AS country,
       COUNT(*) AS customers,
       COUNT(c.phone) AS phone_not_null,
       SUM(CASE WHEN c.phone IS NULL THEN 1 ELSE 0 END) AS phone_null,
       SUM(CASE WHEN c.phone = '' THEN 1 ELSE 0 END) AS phone_blank,
       COUNT(c.referred_by) AS referred,
       SUM(c.marketing_opt_in) AS opted_in
FROM customers c
JOIN countries co ON co.id = c.country_id
GROUP BY co.id, co.code
ORDER BY customers DESC, co.id;

-- name: coupon_usage
SELECT COALESCE(ot.coupon_code, '(none)') AS coupon,
       COUNT(*) AS orders,
       SUM(ot.subtotal_cents) / COUNT(*) AS avg_basket_cents,
       SUM(ot.shipping_cents) AS shipping_cents
FROM order_totals ot
WHERE ot.status NOT IN ('cancelled', 'returned')
GROUP BY COALESCE(ot.coupon_code, '(none)')
ORDER BY orders DESC, coupon;

-- name: unsold_products
SELECT p.id AS product_id,
       p.sku,
       cg.name AS category,
       p.price_cents,
       COALESCE(CAST(p.weight_grams AS TEXT), 'unknown') AS weight_grams
FROM products p
JOIN categories cg ON cg.id = p.category_id
LEFT JOIN order_items oi ON oi.product_id = p.id
WHERE oi.id IS NULL
ORDER BY p.id;

-- name: frequently_bought_together
SELECT a.product_id AS product_a,
       pa.sku AS sku_a,
       b.product_id AS product_b,
       pb.sku AS sku_b,
       COUNT(DISTINCT a.order_id) AS orders_together,
       COUNT(DISTINCT o.customer_id) AS customers
FROM order_items a
JOIN order_items b ON b.order_id = a.order_id AND b.product_id > a.product_id
JOIN orders o ON o.id = a.order_id
JOIN products pa ON pa.id = a.product_id
JOIN products pb ON pb.id = b.product_id
GROUP BY a.product_id, pa.sku, b.product_id, pb.sku
ORDER BY orders_together DESC, product_a, product_b
LIMIT 10;

-- name: order_sequence_stats
WITH numbered AS MATERIALIZED (
    SELECT o.id,
           CAST(1 + (SELECT COUNT(*)
                     FROM orders p
                     WHERE p.customer_id = o.customer_id AND p.id < o.id) AS INTEGER) AS order_no,
           CAST((SELECT COUNT(*)
                 FROM order_items oi
                 WHERE oi.order_id = o.id) AS INTEGER) AS lines,
           CAST((SELECT COUNT(*)
                 FROM order_items oi
                 WHERE oi.order_id = o.id
                   AND NOT EXISTS (
                       SELECT 1
                       FROM orders p
                       JOIN order_items pi ON pi.order_id = p.id
                       WHERE p.customer_id = o.customer_id
                         AND p.id < o.id
                         AND pi.product_id = oi.product_id
                   )) AS INTEGER) AS new_product_lines
    FROM orders o
    WHERE o.status NOT IN ('cancelled', 'returned')
      AND o.order_date >= '2024-01-01'
)
SELECT CASE WHEN s.order_no = 1 THEN 1
            WHEN s.order_no = 2 THEN 2
            WHEN s.order_no <= 5 THEN 3
            WHEN s.order_no <= 10 THEN 4
            WHEN s.order_no <= 25 THEN 5
            ELSE 6 END AS bucket,
       CASE WHEN s.order_no = 1 THEN 'first'
            WHEN s.order_no = 2 THEN 'second'
            WHEN s.order_no <= 5 THEN '3-5'
            WHEN s.order_no <= 10 THEN '6-10'
            WHEN s.order_no <= 25 THEN '11-25'
            ELSE '26+' END AS nth_order,
       COUNT(*) AS orders,
       SUM(s.lines) AS lines,
       SUM(s.new_product_lines) AS new_product_lines,
       SUM(s.new_product_lines) * 100 / SUM(s.lines) AS new_product_line_pct
FROM numbered s
GROUP BY 1, 2
ORDER BY bucket;

-- name: referral_network
WITH RECURSIVE tree (root_id, member_id, depth) AS (
    SELECT c.id, c.id, 0
    FROM customers c
    UNION ALL
    SELECT t.root_id, c.id, t.depth + 1
    FROM tree t
    JOIN customers c ON c.referred_by = t.member_id
),
spend AS (
    SELECT o.customer_id, SUM(ot.subtotal_cents) AS revenue_cents
    FROM orders o
    JOIN order_totals ot ON ot.order_id = o.id
    WHERE o.status NOT IN ('cancelled', 'returned')
    GROUP BY o.customer_id
)
SELECT t.root_id AS customer_id,
       COUNT(*) - 1 AS network_size,
       MAX(t.depth) AS max_depth,
       SUM(COALESCE(s.revenue_cents, 0)) AS network_revenue_cents
FROM tree t
LEFT JOIN spend s ON s.customer_id = t.member_id
GROUP BY t.root_id
HAVING COUNT(*) > 1
ORDER BY network_size DESC, network_revenue_cents DESC, customer_id
LIMIT 10;

-- name: spend_milestones
WITH RECURSIVE order_net (order_id, customer_id, order_date, cents) AS (
    SELECT o.id, o.customer_id, o.order_date,
           CASE WHEN o.status IN ('cancelled', 'returned') THEN 0
                ELSE SUM(oi.quantity * oi.unit_price_cents) END
    FROM orders o
    JOIN order_items oi ON oi.order_id = o.id
    GROUP BY o.id, o.customer_id, o.order_date, o.status
),
walk (customer_id, order_id, first_date, order_date, order_no, cum_cents) AS (
    SELECT n.customer_id, n.order_id, n.order_date, n.order_date, 1, n.cents
    FROM order_net n
    WHERE n.order_id = (SELECT MIN(o.id) FROM orders o WHERE o.customer_id = n.customer_id)
    UNION ALL
    SELECT w.customer_id, n.order_id, w.first_date, n.order_date, w.order_no + 1, w.cum_cents + n.cents
    FROM walk w
    JOIN order_net n ON n.order_id = (
        SELECT MIN(o.id) FROM orders o WHERE o.customer_id = w.customer_id AND o.id > w.order_id
    )
),
milestones (threshold_cents) AS (
    VALUES (50000), (100000), (250000), (500000), (1000000)
),
reached AS (
    SELECT m.threshold_cents, w.customer_id, MIN(w.order_no) AS orders_needed
    FROM milestones m
    JOIN walk w ON w.cum_cents >= m.threshold_cents
    GROUP BY m.threshold_cents, w.customer_id
)
SELECT r.threshold_cents / 100 AS milestone_dollars,
       COUNT(*) AS customers,
       SUM(r.orders_needed) / COUNT(*) AS avg_orders_needed,
       SUM(dc.day_no - fc.day_no) / COUNT(*) AS avg_days_needed
FROM reached r
JOIN walk w ON w.customer_id = r.customer_id AND w.order_no = r.orders_needed
JOIN calendar fc ON fc.day = w.first_date
JOIN calendar dc ON dc.day = w.order_date
GROUP BY r.threshold_cents
ORDER BY r.threshold_cents;
