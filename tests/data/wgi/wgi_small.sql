-- A tiny WGI Political Stability file in the real layout: one table per
-- statistic, TEXT year columns, 'nan' for missing. Rows are in World Bank code
-- order like the real file. ABW and AFG figures are copied from the real file;
-- the rest are made up. Quirks reproduced: 'nan' estimates with 0.0 in
-- Normalized, legacy codes (ADO, ROM, ZAR) and an unmappable one (ANT), the
-- code GUY on two rows (the first out of code order), an estimate below -2.5
-- (clipped), and one Normalized cell that disagrees with the estimate.

CREATE TABLE "Estimate" ("Country/Territory" TEXT, "Code" TEXT, "1996" TEXT, "2004" TEXT,
  "2022" TEXT, country_code TEXT);
INSERT INTO "Estimate" VALUES
  ('Aruba', 'ABW', 'nan', '0.993218183517456', '1.4746843576431274', '533'),
  ('Andorra', 'ADO', '1.1695221662521362', '1.4021060466766357', '1.5877364873886108', '20'),
  ('Afghanistan', 'AFG', '-2.417309522628784', '-2.295682191848755', '-2.5508017539978027', '4'),
  ('Netherlands Antilles', 'ANT', 'nan', '0.6856681108474731', 'nan', '530'),
  ('Guatemala', 'GTM', '-0.9', '-0.7', '-0.4', '320'),
  ('Guyana', 'GUY', '0.03840913623571396', '0.17308464646339417', '0.3314664661884308', '328'),
  ('Guam', 'GUM', 'nan', '1.0', '1.1', '316'),
  ('Guyana', 'GUY', '-0.26641353964805603', '-0.5548961758613586', '0.02706216275691986', '328'),
  ('Romania', 'ROM', '0.597966730594635', '0.2', '0.48802196979522705', '642'),
  ('Congo, Dem. Rep.', 'ZAR', '-2.6828129291534424', '-2.1', '-1.9777462482452393', '180');

CREATE TABLE "Normalized" ("Country/Territory" TEXT, "Code" TEXT, "1996" TEXT, "2004" TEXT,
  "2022" TEXT, country_code TEXT);
INSERT INTO "Normalized" VALUES
  ('Aruba', 'ABW', '0.0', '0.30135636329650883', '0.20506312847137453', '533'),
  ('Andorra', 'ADO', '0.2660955667495728', '0.2195787906646729', '0.18245270252227785', '20'),
  ('Afghanistan', 'AFG', '0.9834619045257569', '0.9591364383697509', '1.0', '4'),
  ('Netherlands Antilles', 'ANT', '0.0', '0.3628663778305054', '0.0', '530'),
  ('Guatemala', 'GTM', '0.68', '0.64', '0.58', '320'),
  ('Guyana', 'GUY', '0.4923181727528572', '0.46538307070732117', '0.43370670676231386', '328'),
  ('Guam', 'GUM', '0.0', '0.3', '0.28', '316'),
  ('Guyana', 'GUY', '0.5532827079296112', '0.6109792351722717', '0.49458756744861603', '328'),
  ('Romania', 'ROM', '0.380406653881073', '0.46', '0.4024', '642'),
  ('Congo, Dem. Rep.', 'ZAR', '1.0', '0.92', '0.8955492496490479', '180');
