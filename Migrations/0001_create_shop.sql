-- qgather sample schema: a small online shop.
--
-- Portability rules (this file must run unchanged on SQLite 3.40+ and PostgreSQL 15+):
--   * explicit integer ids (no AUTOINCREMENT / SERIAL / IDENTITY)
--   * money is INTEGER cents, never REAL / NUMERIC
--   * dates are TEXT in ISO form YYYY-MM-DD (sortable and comparable as text)
--   * flags are INTEGER 0 / 1 (no BOOLEAN)

CREATE TABLE regions (
    id   INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE countries (
    id        INTEGER PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    region_id INTEGER NOT NULL REFERENCES regions (id)
);

CREATE TABLE categories (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- One row per day of the period covered by the sample data (2022-01-01 .. 2024-12-31).
-- day_no 0 is 2022-01-01, weekday is 0 = Sunday .. 6 = Saturday.
CREATE TABLE calendar (
    day_no       INTEGER PRIMARY KEY,
    day          TEXT NOT NULL UNIQUE,
    year         INTEGER NOT NULL,
    month        INTEGER NOT NULL,
    day_of_month INTEGER NOT NULL,
    weekday      INTEGER NOT NULL
);

-- phone: NULL = never asked, empty string = customer explicitly left it blank.
-- referred_by: NULL = not referred by another customer.
CREATE TABLE customers (
    id               INTEGER PRIMARY KEY,
    first_name       TEXT NOT NULL,
    last_name        TEXT NOT NULL,
    email            TEXT NOT NULL UNIQUE,
    phone            TEXT,
    country_id       INTEGER NOT NULL REFERENCES countries (id),
    signup_date      TEXT NOT NULL,
    referred_by      INTEGER REFERENCES customers (id),
    marketing_opt_in INTEGER NOT NULL DEFAULT 0
);

-- weight_grams: NULL for products without a physical weight on record.
CREATE TABLE products (
    id           INTEGER PRIMARY KEY,
    sku          TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    category_id  INTEGER NOT NULL REFERENCES categories (id),
    price_cents  INTEGER NOT NULL,
    weight_grams INTEGER
);

-- status: pending, shipped, delivered, cancelled, returned.
CREATE TABLE orders (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers (id),
    order_date     TEXT NOT NULL,
    status         TEXT NOT NULL,
    shipping_cents INTEGER NOT NULL DEFAULT 0,
    coupon_code    TEXT
);

-- unit_price_cents is the price actually charged (after any line discount).
CREATE TABLE order_items (
    id               INTEGER PRIMARY KEY,
    order_id         INTEGER NOT NULL REFERENCES orders (id),
    line_no          INTEGER NOT NULL,
    product_id       INTEGER NOT NULL REFERENCES products (id),
    quantity         INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL
);
