-- A tiny World Mining Data file in the real layout (one table per commodity,
-- a Total row with Country_ISO 'DELETE', an 'HS Code Map' table). Figures are
-- made up, except where a test says they are copied from the real file.
-- Quirks reproduced: NULL cells, unit 'kg', a non-ISO3 Country_ISO (R20 for
-- Kosovo) and one with an unknown name, data_source 'p', Li2O basis, the
-- Magnesite table (basis not comparable), 'Not Available' HS codes, a
-- Reference URL that is another commodity's factsheet.

CREATE TABLE "Gallium" ("Country" TEXT, "Country_Code" TEXT, "Country_ISO" TEXT,
  "2021" INTEGER, "2022" INTEGER, "unit" TEXT, "data_source" TEXT);
INSERT INTO "Gallium" VALUES
  ('China', '156', 'CHN', 420, 606, 'metr. t', 'r'),
  ('Russia', '643', 'RUS', 5, 5, 'metr. t', 'e'),
  ('Total', 'DELETE', 'DELETE', 425, 611, 'metr. t', 'nan');

CREATE TABLE "Lithium (Li2O)" ("Country" TEXT, "Country_Code" TEXT, "Country_ISO" TEXT,
  "2021" INTEGER, "2022" INTEGER, "unit" TEXT, "data_source" TEXT);
INSERT INTO "Lithium (Li2O)" VALUES
  ('Australia', '36', 'AUS', 113600, 149800, 'metr. t', 'r'),
  ('Chile', '152', 'CHL', 65060, 110350, 'metr. t', 'r'),
  ('Total', 'DELETE', 'DELETE', 178660, 260150, 'metr. t', 'nan');

CREATE TABLE "Platinum" ("Country" TEXT, "Country_Code" TEXT, "Country_ISO" TEXT,
  "2021" INTEGER, "2022" INTEGER, "unit" TEXT, "data_source" TEXT);
INSERT INTO "Platinum" VALUES
  ('South Africa', '710', 'ZAF', 141626, 134750, 'kg', 'r'),
  ('China', '156', 'CHN', 2500, 2800, 'kg', 'e'),
  ('Total', 'DELETE', 'DELETE', 144126, 137550, 'kg', 'nan');

CREATE TABLE "Palladium" ("Country" TEXT, "Country_Code" TEXT, "Country_ISO" TEXT,
  "2021" INTEGER, "2022" INTEGER, "unit" TEXT, "data_source" TEXT);
INSERT INTO "Palladium" VALUES
  ('South Africa', '710', 'ZAF', 84336, 78155, 'kg', 'r'),
  ('China', '156', 'CHN', 1300, NULL, 'kg', 'e'),
  ('Uzbekistan', '860', 'UZB', 160, 93, 'kg', 'r'),
  ('Total', 'DELETE', 'DELETE', 85796, 78248, 'kg', 'nan');

CREATE TABLE "Nickel" ("Country" TEXT, "Country_Code" TEXT, "Country_ISO" TEXT,
  "2021" INTEGER, "2022" INTEGER, "unit" TEXT, "data_source" TEXT);
INSERT INTO "Nickel" VALUES
  ('Indonesia', '360', 'IDN', 1000000, 1600000, 'metr. t', 'r'),
  ('Kosovo', '697', 'R20', 4960, 300, 'metr. t', 'r'),
  ('Atlantis', '999', 'Z99', 10, 20, 'metr. t', 'e'),
  ('Total', 'DELETE', 'DELETE', 1004970, 1600320, 'metr. t', 'nan');

CREATE TABLE "Manganese" ("Country" TEXT, "Country_Code" TEXT, "Country_ISO" TEXT,
  "2021" INTEGER, "2022" INTEGER, "unit" TEXT, "data_source" TEXT);
INSERT INTO "Manganese" VALUES
  ('Guyana', '328', 'GUY', NULL, 105800, 'metr. t', 'r'),
  ('India', '699', 'IND', 832100, 872600, 'metr. t', 'p'),
  ('Total', 'DELETE', 'DELETE', 832100, 978400, 'metr. t', 'nan');

CREATE TABLE "Magnesite" ("Country" TEXT, "Country_Code" TEXT, "Country_ISO" TEXT,
  "2021" INTEGER, "2022" INTEGER, "unit" TEXT, "data_source" TEXT);
INSERT INTO "Magnesite" VALUES
  ('China', '156', 'CHN', 18000000, 17000000, 'metr. t', 'r'),
  ('Total', 'DELETE', 'DELETE', 18000000, 17000000, 'metr. t', 'nan');

CREATE TABLE "HS Code Map" ("Sheet_name" TEXT, "Category - WMD" TEXT, "Reference ID" TEXT,
  "Supply Chain Stage" TEXT, "Symbol" TEXT, "Geology" TEXT, "Reference" TEXT,
  "EoL-RIR (2023)" REAL, "HS Code - Complementary" TEXT, "HS Code" TEXT, "Description" TEXT);
INSERT INTO "HS Code Map" VALUES
  ('Gallium', 'Non-Ferrous Metals', 'Gallium', '', 'Ga', '', '', 0.0, '', 'Not Available',
   'Gallium, hafnium, indium, niobium (columbium), rhenium and thallium'),
  ('Lithium (Li2O)', 'Non-Ferrous Metals', 'Lithium', 'Processing', 'Li', '',
   'https://scrreen.eu/wp-content/uploads/2023/12/SCRREEN2_factsheets_LITHIUM-update.pdf',
   0.0, '283691', '282520', 'Lithium oxide and hydroxide'),
  ('Platinum', 'Precious Metals', 'Platinum', 'Processing', 'Pt', '',
   'https://scrreen.eu/wp-content/uploads/2023/08/SCRREEN2_factsheets_PGM.pdf',
   0.12, '711019;711510', '711011', 'Platinum, unwrought'),
  ('Palladium', 'Precious Metals', 'Palladium', 'Processing', 'Pd', '',
   'https://scrreen.eu/wp-content/uploads/2023/08/SCRREEN2_factsheets_PGM.pdf',
   0.12, '711029', '711021', 'Metals; palladium, unwrought'),
  ('Nickel', 'Iron and Ferro-Alloy Metals', 'Nickel', 'Extraction', 'Ni', '',
   'https://scrreen.eu/wp-content/uploads/2023/12/SCRREEN2_factsheets_NICKEL-update.pdf',
   0.16, '', '260400', 'Nickel ores and concentrates'),
  ('Manganese', 'Iron and Ferro-Alloy Metals', 'Manganese', 'Extraction', 'Mn', '',
   'https://scrreen.eu/wp-content/uploads/2023/08/SCRREEN2_factsheets_MANGANESE.pdf',
   0.09, '', '260200', 'Manganese ores and concentrates'),
  ('Magnesite', 'Industrial Minerals', 'Magnesite', 'Extraction', 'MgCO3', '',
   'https://scrreen.eu/wp-content/uploads/2023/12/SCRREEN2_factsheets_MAGNESITE-update.pdf',
   0.02, '', '251910', 'Magnesium carbonate'),
  ('Titanium (TiO2)', 'Iron and Ferro-Alloy Metals', 'Titanium', 'Extraction', 'TiO2', '',
   'https://scrreen.eu/wp-content/uploads/2024/01/SCRREEN2_factsheets_TUNGSTEN-update2.pdf',
   0.01, '', '261400', 'Titanium ores and concentrates'),
  ('Tungsten (W)', 'Iron and Ferro-Alloy Metals', 'Tungsten', 'Extraction', 'W', '',
   'https://scrreen.eu/wp-content/uploads/2024/01/SCRREEN2_factsheets_TUNGSTEN-update2.pdf',
   0.42, '810110', '261100', 'Tungsten ores and concentrates');
