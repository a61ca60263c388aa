-- chat-pickup database schema.
--
-- Table and column names follow SuperOffice's database reference so that people who know
-- SuperOffice find their way and data can move between the two. Conventions:
--   * enums are stored as their integer values (ChatSessionStatus InQueue = 4, ...);
--   * date-times are UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' (fixed width, so text order is
--     time order, and SQLite's date functions read it); NULL means "never";
--   * a missing link is NULL (SuperOffice writes 0), which lets foreign keys be enforced.
-- Applied whenever a database is older than this file; every statement is idempotent.
-- Version: PRAGMA user_version (columns added since version 1: src/store/sqlite/mod.rs).

CREATE TABLE IF NOT EXISTS language (
    id    INTEGER PRIMARY KEY,
    code  TEXT NOT NULL UNIQUE COLLATE NOCASE,  -- SuperOffice multi-language prefix: US, NO, GE
    iso2  TEXT NOT NULL,                        -- ISO 639-1 code: en, no, de
    name  TEXT NOT NULL
);
-- SuperOffice's prefixes for its twelve languages (Swedish is SW, Spanish SP, Czech CZ).
INSERT INTO language (id, code, iso2, name) VALUES
    (1, 'US', 'en', 'English'), (2, 'NO', 'no', 'Norwegian'), (3, 'GE', 'de', 'German'),
    (4, 'SW', 'sv', 'Swedish'), (5, 'DA', 'da', 'Danish'), (6, 'NL', 'nl', 'Dutch'),
    (7, 'FR', 'fr', 'French'), (8, 'FI', 'fi', 'Finnish'), (9, 'SP', 'es', 'Spanish'),
    (10, 'IT', 'it', 'Italian'), (11, 'CZ', 'cs', 'Czech'), (12, 'PL', 'pl', 'Polish')
ON CONFLICT (id) DO UPDATE SET code = excluded.code, iso2 = excluded.iso2, name = excluded.name;

-- String resources: `[SR_KEY]` in a text reads as `text` in the caller's language (English
-- when the language has none). Shipped rows cover the keys our own data uses; a tenant may
-- add its own keys and languages.
CREATE TABLE IF NOT EXISTS resource (
    resource_key  TEXT NOT NULL,                          -- SR_..., without brackets
    language_id   INTEGER NOT NULL REFERENCES language (id),
    text          TEXT NOT NULL,
    PRIMARY KEY (resource_key, language_id)
);
INSERT OR IGNORE INTO resource (resource_key, language_id, text) VALUES
    ('SR_CHAT_WELCOME', 1, 'Hello, my name is {agent}. How can I help you?'),
    ('SR_CHAT_WELCOME', 2, 'Hei, jeg heter {agent}. Hva kan jeg hjelpe deg med?'),
    ('SR_CHAT_WELCOME', 3, 'Hallo, mein Name ist {agent}. Wie kann ich Ihnen helfen?'),
    ('SR_CHAT_WELCOME', 4, 'Hej, jag heter {agent}. Hur kan jag hjälpa dig?'),
    ('SR_CHAT_WELCOME', 5, 'Hej, mit navn er {agent}. Hvordan kan jeg hjælpe dig?'),
    ('SR_CHAT_WELCOME', 6, 'Hallo, mijn naam is {agent}. Hoe kan ik u helpen?'),
    ('SR_CHAT_WELCOME', 7, 'Bonjour, je m''appelle {agent}. Comment puis-je vous aider ?'),
    ('SR_CHAT_WELCOME', 8, 'Hei, nimeni on {agent}. Miten voin auttaa?'),
    ('SR_CHAT_WELCOME', 9, 'Hola, me llamo {agent}. ¿En qué puedo ayudarle?'),
    ('SR_CHAT_WELCOME', 10, 'Salve, mi chiamo {agent}. Come posso aiutarla?'),
    ('SR_CHAT_WELCOME', 11, 'Dobrý den, jmenuji se {agent}. Jak vám mohu pomoci?'),
    ('SR_CHAT_WELCOME', 12, 'Dzień dobry, nazywam się {agent}. W czym mogę pomóc?'),
    ('SR_TICKET_STATUS_OPEN', 1, 'Open'), ('SR_TICKET_STATUS_OPEN', 2, 'Åpen'),
    ('SR_TICKET_STATUS_OPEN', 3, 'Offen'), ('SR_TICKET_STATUS_OPEN', 4, 'Öppen'),
    ('SR_TICKET_STATUS_OPEN', 5, 'Åben'), ('SR_TICKET_STATUS_OPEN', 6, 'Open'),
    ('SR_TICKET_STATUS_OPEN', 7, 'Ouvert'), ('SR_TICKET_STATUS_OPEN', 8, 'Avoin'),
    ('SR_TICKET_STATUS_OPEN', 9, 'Abierto'), ('SR_TICKET_STATUS_OPEN', 10, 'Aperto'),
    ('SR_TICKET_STATUS_OPEN', 11, 'Otevřený'), ('SR_TICKET_STATUS_OPEN', 12, 'Otwarty'),
    ('SR_PRIORITY_HIGH', 1, 'High'), ('SR_PRIORITY_HIGH', 2, 'Høy'),
    ('SR_PRIORITY_HIGH', 3, 'Hoch'), ('SR_PRIORITY_HIGH', 4, 'Hög'),
    ('SR_PRIORITY_HIGH', 5, 'Høj'), ('SR_PRIORITY_HIGH', 6, 'Hoog'),
    ('SR_PRIORITY_HIGH', 7, 'Haute'), ('SR_PRIORITY_HIGH', 8, 'Korkea'),
    ('SR_PRIORITY_HIGH', 9, 'Alta'), ('SR_PRIORITY_HIGH', 10, 'Alta'),
    ('SR_PRIORITY_HIGH', 11, 'Vysoká'), ('SR_PRIORITY_HIGH', 12, 'Wysoki'),
    ('SR_CATEGORY_CUSTOMER', 1, 'Customer'), ('SR_CATEGORY_CUSTOMER', 2, 'Kunde'),
    ('SR_CATEGORY_CUSTOMER', 3, 'Kunde'), ('SR_CATEGORY_CUSTOMER', 4, 'Kund'),
    ('SR_CATEGORY_CUSTOMER', 5, 'Kunde'), ('SR_CATEGORY_CUSTOMER', 6, 'Klant'),
    ('SR_CATEGORY_CUSTOMER', 7, 'Client'), ('SR_CATEGORY_CUSTOMER', 8, 'Asiakas'),
    ('SR_CATEGORY_CUSTOMER', 9, 'Cliente'), ('SR_CATEGORY_CUSTOMER', 10, 'Cliente'),
    ('SR_CATEGORY_CUSTOMER', 11, 'Zákazník'), ('SR_CATEGORY_CUSTOMER', 12, 'Klient'),
    ('SR_CATEGORY_PROSPECT', 1, 'Prospect'), ('SR_CATEGORY_PROSPECT', 2, 'Prospekt'),
    ('SR_CATEGORY_PROSPECT', 3, 'Interessent'), ('SR_CATEGORY_PROSPECT', 4, 'Prospekt'),
    ('SR_CATEGORY_PROSPECT', 5, 'Prospekt'), ('SR_CATEGORY_PROSPECT', 6, 'Prospect'),
    ('SR_CATEGORY_PROSPECT', 7, 'Prospect'), ('SR_CATEGORY_PROSPECT', 8, 'Prospekti'),
    ('SR_CATEGORY_PROSPECT', 9, 'Cliente potencial'), ('SR_CATEGORY_PROSPECT', 10, 'Cliente potenziale'),
    ('SR_CATEGORY_PROSPECT', 11, 'Potenciální zákazník'), ('SR_CATEGORY_PROSPECT', 12, 'Potencjalny klient'),
    ('SR_PROJECT_STATUS_IN_PROGRESS', 1, 'In progress'), ('SR_PROJECT_STATUS_IN_PROGRESS', 2, 'Pågår'),
    ('SR_PROJECT_STATUS_IN_PROGRESS', 3, 'In Bearbeitung'), ('SR_PROJECT_STATUS_IN_PROGRESS', 4, 'Pågår'),
    ('SR_PROJECT_STATUS_IN_PROGRESS', 5, 'I gang'), ('SR_PROJECT_STATUS_IN_PROGRESS', 6, 'In uitvoering'),
    ('SR_PROJECT_STATUS_IN_PROGRESS', 7, 'En cours'), ('SR_PROJECT_STATUS_IN_PROGRESS', 8, 'Käynnissä'),
    ('SR_PROJECT_STATUS_IN_PROGRESS', 9, 'En curso'), ('SR_PROJECT_STATUS_IN_PROGRESS', 10, 'In corso'),
    ('SR_PROJECT_STATUS_IN_PROGRESS', 11, 'Probíhá'), ('SR_PROJECT_STATUS_IN_PROGRESS', 12, 'W toku');

-- Time-zone locations (SuperOffice: TZLocation): a location code - UTC, a country (NO), or a
-- subdivision (US-NY) - and the IANA zone it keeps time by. The rows are derived from the
-- IANA tz database by scripts/tz_locations.py (see that script for the rules).
CREATE TABLE IF NOT EXISTS tzlocation (
    tzlocation_id  INTEGER PRIMARY KEY,
    location_code  TEXT NOT NULL UNIQUE COLLATE NOCASE,
    country_id     INTEGER NOT NULL DEFAULT 0,   -- ISO 3166-1 numeric; 0 for UTC
    region_name    TEXT NOT NULL DEFAULT '',
    iana_zone      TEXT NOT NULL
);
-- BEGIN tzlocation rows: generated by scripts/tz_locations.py, do not edit by hand
INSERT OR REPLACE INTO tzlocation (tzlocation_id, location_code, country_id, region_name, iana_zone) VALUES
    (1, 'UTC', 0, 'Coordinated Universal Time', 'UTC'),
    (2, 'AD', 20, 'Andorra', 'Europe/Andorra'),
    (3, 'AE', 784, 'United Arab Emirates', 'Asia/Dubai'),
    (4, 'AF', 4, 'Afghanistan', 'Asia/Kabul'),
    (5, 'AG', 28, 'Antigua & Barbuda', 'America/Antigua'),
    (6, 'AI', 660, 'Anguilla', 'America/Anguilla'),
    (7, 'AL', 8, 'Albania', 'Europe/Tirane'),
    (8, 'AM', 51, 'Armenia', 'Asia/Yerevan'),
    (9, 'AO', 24, 'Angola', 'Africa/Luanda'),
    (10, 'AR-A', 32, 'Salta', 'America/Argentina/Salta'),
    (11, 'AR-B', 32, 'Buenos Aires', 'America/Argentina/Buenos_Aires'),
    (12, 'AR-D', 32, 'San Luis', 'America/Argentina/San_Luis'),
    (13, 'AR-F', 32, 'La Rioja', 'America/Argentina/La_Rioja'),
    (14, 'AR-J', 32, 'San Juan', 'America/Argentina/San_Juan'),
    (15, 'AR-K', 32, 'Catamarca', 'America/Argentina/Catamarca'),
    (16, 'AR-M', 32, 'Mendoza', 'America/Argentina/Mendoza'),
    (17, 'AR-U', 32, 'Chubut', 'America/Argentina/Catamarca'),
    (18, 'AR-V', 32, 'Tierra del Fuego', 'America/Argentina/Ushuaia'),
    (19, 'AR-Y', 32, 'Jujuy', 'America/Argentina/Jujuy'),
    (20, 'AR-Z', 32, 'Santa Cruz', 'America/Argentina/Rio_Gallegos'),
    (21, 'AS', 16, 'Samoa (American)', 'Pacific/Pago_Pago'),
    (22, 'AT', 40, 'Austria', 'Europe/Vienna'),
    (23, 'AU-NSW', 36, 'New South Wales', 'Australia/Sydney'),
    (24, 'AU-NT', 36, 'Northern Territory', 'Australia/Darwin'),
    (25, 'AU-QLD', 36, 'Queensland', 'Australia/Brisbane'),
    (26, 'AU-SA', 36, 'South Australia', 'Australia/Adelaide'),
    (27, 'AU-TAS', 36, 'Tasmania', 'Australia/Hobart'),
    (28, 'AU-VIC', 36, 'Victoria', 'Australia/Melbourne'),
    (29, 'AU-WA', 36, 'Western Australia', 'Australia/Perth'),
    (30, 'AW', 533, 'Aruba', 'America/Aruba'),
    (31, 'AX', 248, 'Åland Islands', 'Europe/Mariehamn'),
    (32, 'AZ', 31, 'Azerbaijan', 'Asia/Baku'),
    (33, 'BA', 70, 'Bosnia & Herzegovina', 'Europe/Sarajevo'),
    (34, 'BB', 52, 'Barbados', 'America/Barbados'),
    (35, 'BD', 50, 'Bangladesh', 'Asia/Dhaka'),
    (36, 'BE', 56, 'Belgium', 'Europe/Brussels'),
    (37, 'BF', 854, 'Burkina Faso', 'Africa/Ouagadougou'),
    (38, 'BG', 100, 'Bulgaria', 'Europe/Sofia'),
    (39, 'BH', 48, 'Bahrain', 'Asia/Bahrain'),
    (40, 'BI', 108, 'Burundi', 'Africa/Bujumbura'),
    (41, 'BJ', 204, 'Benin', 'Africa/Porto-Novo'),
    (42, 'BL', 652, 'St Barthelemy', 'America/St_Barthelemy'),
    (43, 'BM', 60, 'Bermuda', 'Atlantic/Bermuda'),
    (44, 'BN', 96, 'Brunei', 'Asia/Brunei'),
    (45, 'BO', 68, 'Bolivia', 'America/La_Paz'),
    (46, 'BQ', 535, 'Caribbean NL', 'America/Kralendijk'),
    (47, 'BR-AC', 76, 'Acre', 'America/Rio_Branco'),
    (48, 'BR-AL', 76, 'Alagoas', 'America/Maceio'),
    (49, 'BR-AM', 76, 'Amazonas', 'America/Manaus'),
    (50, 'BR-BA', 76, 'Bahia', 'America/Bahia'),
    (51, 'BR-CE', 76, 'Ceará', 'America/Fortaleza'),
    (52, 'BR-DF', 76, 'Distrito Federal', 'America/Sao_Paulo'),
    (53, 'BR-ES', 76, 'Espírito Santo', 'America/Sao_Paulo'),
    (54, 'BR-GO', 76, 'Goiás', 'America/Sao_Paulo'),
    (55, 'BR-MA', 76, 'Maranhão', 'America/Fortaleza'),
    (56, 'BR-MG', 76, 'Minas Gerais', 'America/Sao_Paulo'),
    (57, 'BR-MS', 76, 'Mato Grosso do Sul', 'America/Campo_Grande'),
    (58, 'BR-MT', 76, 'Mato Grosso', 'America/Campo_Grande'),
    (59, 'BR-PB', 76, 'Paraíba', 'America/Fortaleza'),
    (60, 'BR-PE', 76, 'Pernambuco', 'America/Recife'),
    (61, 'BR-PI', 76, 'Piauí', 'America/Fortaleza'),
    (62, 'BR-PR', 76, 'Paraná', 'America/Sao_Paulo'),
    (63, 'BR-RJ', 76, 'Rio de Janeiro', 'America/Sao_Paulo'),
    (64, 'BR-RN', 76, 'Rio Grande do Norte', 'America/Fortaleza'),
    (65, 'BR-RR', 76, 'Roraima', 'America/Boa_Vista'),
    (66, 'BR-RS', 76, 'Rio Grande do Sul', 'America/Sao_Paulo'),
    (67, 'BR-SC', 76, 'Santa Catarina', 'America/Sao_Paulo'),
    (68, 'BR-SE', 76, 'Sergipe', 'America/Maceio'),
    (69, 'BR-SP', 76, 'São Paulo', 'America/Sao_Paulo'),
    (70, 'BR-TO', 76, 'Tocantins', 'America/Araguaina'),
    (71, 'BS', 44, 'Bahamas', 'America/Nassau'),
    (72, 'BT', 64, 'Bhutan', 'Asia/Thimphu'),
    (73, 'BW', 72, 'Botswana', 'Africa/Gaborone'),
    (74, 'BY', 112, 'Belarus', 'Europe/Minsk'),
    (75, 'BZ', 84, 'Belize', 'America/Belize'),
    (76, 'CA-AB', 124, 'Alberta', 'America/Edmonton'),
    (77, 'CA-BC', 124, 'British Columbia', 'America/Vancouver'),
    (78, 'CA-MB', 124, 'Manitoba', 'America/Winnipeg'),
    (79, 'CA-NB', 124, 'New Brunswick', 'America/Moncton'),
    (80, 'CA-NL', 124, 'Newfoundland and Labrador', 'America/St_Johns'),
    (81, 'CA-NS', 124, 'Nova Scotia', 'America/Halifax'),
    (82, 'CA-NT', 124, 'Northwest Territories', 'America/Edmonton'),
    (83, 'CA-NU', 124, 'Nunavut', 'America/Iqaluit'),
    (84, 'CA-ON', 124, 'Ontario', 'America/Toronto'),
    (85, 'CA-PE', 124, 'Prince Edward Island', 'America/Halifax'),
    (86, 'CA-QC', 124, 'Quebec', 'America/Toronto'),
    (87, 'CA-SK', 124, 'Saskatchewan', 'America/Regina'),
    (88, 'CA-YT', 124, 'Yukon', 'America/Whitehorse'),
    (89, 'CC', 166, 'Cocos (Keeling) Islands', 'Indian/Cocos'),
    (90, 'CF', 140, 'Central African Rep.', 'Africa/Bangui'),
    (91, 'CG', 178, 'Congo (Rep.)', 'Africa/Brazzaville'),
    (92, 'CH', 756, 'Switzerland', 'Europe/Zurich'),
    (93, 'CI', 384, 'Côte d''Ivoire', 'Africa/Abidjan'),
    (94, 'CK', 184, 'Cook Islands', 'Pacific/Rarotonga'),
    (95, 'CL', 152, 'Chile', 'America/Santiago'),
    (96, 'CL-MA', 152, 'Magallanes', 'America/Punta_Arenas'),
    (97, 'CM', 120, 'Cameroon', 'Africa/Douala'),
    (98, 'CO', 170, 'Colombia', 'America/Bogota'),
    (99, 'CR', 188, 'Costa Rica', 'America/Costa_Rica'),
    (100, 'CU', 192, 'Cuba', 'America/Havana'),
    (101, 'CV', 132, 'Cape Verde', 'Atlantic/Cape_Verde'),
    (102, 'CW', 531, 'Curaçao', 'America/Curacao'),
    (103, 'CX', 162, 'Christmas Island', 'Indian/Christmas'),
    (104, 'CY', 196, 'Cyprus', 'Asia/Nicosia'),
    (105, 'CZ', 203, 'Czech Republic', 'Europe/Prague'),
    (106, 'DE', 276, 'Germany', 'Europe/Berlin'),
    (107, 'DJ', 262, 'Djibouti', 'Africa/Djibouti'),
    (108, 'DK', 208, 'Denmark', 'Europe/Copenhagen'),
    (109, 'DM', 212, 'Dominica', 'America/Dominica'),
    (110, 'DO', 214, 'Dominican Republic', 'America/Santo_Domingo'),
    (111, 'DZ', 12, 'Algeria', 'Africa/Algiers'),
    (112, 'EC', 218, 'Ecuador', 'America/Guayaquil'),
    (113, 'EE', 233, 'Estonia', 'Europe/Tallinn'),
    (114, 'EG', 818, 'Egypt', 'Africa/Cairo'),
    (115, 'EH', 732, 'Western Sahara', 'Africa/El_Aaiun'),
    (116, 'ER', 232, 'Eritrea', 'Africa/Asmara'),
    (117, 'ES', 724, 'Spain', 'Europe/Madrid'),
    (118, 'ES-CE', 724, 'Ceuta', 'Africa/Ceuta'),
    (119, 'ES-ML', 724, 'Melilla', 'Africa/Ceuta'),
    (120, 'ET', 231, 'Ethiopia', 'Africa/Addis_Ababa'),
    (121, 'FI', 246, 'Finland', 'Europe/Helsinki'),
    (122, 'FJ', 242, 'Fiji', 'Pacific/Fiji'),
    (123, 'FK', 238, 'Falkland Islands', 'Atlantic/Stanley'),
    (124, 'FM-KSA', 583, 'Kosrae', 'Pacific/Kosrae'),
    (125, 'FM-PNI', 583, 'Pohnpei', 'Pacific/Pohnpei'),
    (126, 'FM-TRK', 583, 'Chuuk', 'Pacific/Chuuk'),
    (127, 'FM-YAP', 583, 'Yap', 'Pacific/Chuuk'),
    (128, 'FO', 234, 'Faroe Islands', 'Atlantic/Faroe'),
    (129, 'FR', 250, 'France', 'Europe/Paris'),
    (130, 'GA', 266, 'Gabon', 'Africa/Libreville'),
    (131, 'GB', 826, 'Britain (UK)', 'Europe/London'),
    (132, 'GD', 308, 'Grenada', 'America/Grenada'),
    (133, 'GE', 268, 'Georgia', 'Asia/Tbilisi'),
    (134, 'GF', 254, 'French Guiana', 'America/Cayenne'),
    (135, 'GG', 831, 'Guernsey', 'Europe/Guernsey'),
    (136, 'GH', 288, 'Ghana', 'Africa/Accra'),
    (137, 'GI', 292, 'Gibraltar', 'Europe/Gibraltar'),
    (138, 'GL', 304, 'Greenland', 'America/Nuuk'),
    (139, 'GM', 270, 'Gambia', 'Africa/Banjul'),
    (140, 'GN', 324, 'Guinea', 'Africa/Conakry'),
    (141, 'GP', 312, 'Guadeloupe', 'America/Guadeloupe'),
    (142, 'GQ', 226, 'Equatorial Guinea', 'Africa/Malabo'),
    (143, 'GR', 300, 'Greece', 'Europe/Athens'),
    (144, 'GS', 239, 'South Georgia & the South Sandwich Islands', 'Atlantic/South_Georgia'),
    (145, 'GT', 320, 'Guatemala', 'America/Guatemala'),
    (146, 'GU', 316, 'Guam', 'Pacific/Guam'),
    (147, 'GW', 624, 'Guinea-Bissau', 'Africa/Bissau'),
    (148, 'GY', 328, 'Guyana', 'America/Guyana'),
    (149, 'HK', 344, 'Hong Kong', 'Asia/Hong_Kong'),
    (150, 'HN', 340, 'Honduras', 'America/Tegucigalpa'),
    (151, 'HR', 191, 'Croatia', 'Europe/Zagreb'),
    (152, 'HT', 332, 'Haiti', 'America/Port-au-Prince'),
    (153, 'HU', 348, 'Hungary', 'Europe/Budapest'),
    (154, 'ID-PP', 360, 'Papua', 'Asia/Jayapura'),
    (155, 'ID-SL', 360, 'Sulawesi', 'Asia/Makassar'),
    (156, 'IE', 372, 'Ireland', 'Europe/Dublin'),
    (157, 'IL', 376, 'Israel', 'Asia/Jerusalem'),
    (158, 'IM', 833, 'Isle of Man', 'Europe/Isle_of_Man'),
    (159, 'IN', 356, 'India', 'Asia/Kolkata'),
    (160, 'IO', 86, 'British Indian Ocean Territory', 'Indian/Chagos'),
    (161, 'IQ', 368, 'Iraq', 'Asia/Baghdad'),
    (162, 'IR', 364, 'Iran', 'Asia/Tehran'),
    (163, 'IS', 352, 'Iceland', 'Atlantic/Reykjavik'),
    (164, 'IT', 380, 'Italy', 'Europe/Rome'),
    (165, 'JE', 832, 'Jersey', 'Europe/Jersey'),
    (166, 'JM', 388, 'Jamaica', 'America/Jamaica'),
    (167, 'JO', 400, 'Jordan', 'Asia/Amman'),
    (168, 'JP', 392, 'Japan', 'Asia/Tokyo'),
    (169, 'KE', 404, 'Kenya', 'Africa/Nairobi'),
    (170, 'KG', 417, 'Kyrgyzstan', 'Asia/Bishkek'),
    (171, 'KH', 116, 'Cambodia', 'Asia/Phnom_Penh'),
    (172, 'KI-G', 296, 'Gilbert Islands', 'Pacific/Tarawa'),
    (173, 'KI-L', 296, 'Line Islands', 'Pacific/Kiritimati'),
    (174, 'KI-P', 296, 'Phoenix Islands', 'Pacific/Kanton'),
    (175, 'KM', 174, 'Comoros', 'Indian/Comoro'),
    (176, 'KN', 659, 'St Kitts & Nevis', 'America/St_Kitts'),
    (177, 'KP', 408, 'Korea (North)', 'Asia/Pyongyang'),
    (178, 'KR', 410, 'Korea (South)', 'Asia/Seoul'),
    (179, 'KW', 414, 'Kuwait', 'Asia/Kuwait'),
    (180, 'KY', 136, 'Cayman Islands', 'America/Cayman'),
    (181, 'KZ', 398, 'Kazakhstan', 'Asia/Almaty'),
    (182, 'LA', 418, 'Laos', 'Asia/Vientiane'),
    (183, 'LB', 422, 'Lebanon', 'Asia/Beirut'),
    (184, 'LC', 662, 'St Lucia', 'America/St_Lucia'),
    (185, 'LI', 438, 'Liechtenstein', 'Europe/Vaduz'),
    (186, 'LK', 144, 'Sri Lanka', 'Asia/Colombo'),
    (187, 'LR', 430, 'Liberia', 'Africa/Monrovia'),
    (188, 'LS', 426, 'Lesotho', 'Africa/Maseru'),
    (189, 'LT', 440, 'Lithuania', 'Europe/Vilnius'),
    (190, 'LU', 442, 'Luxembourg', 'Europe/Luxembourg'),
    (191, 'LV', 428, 'Latvia', 'Europe/Riga'),
    (192, 'LY', 434, 'Libya', 'Africa/Tripoli'),
    (193, 'MA', 504, 'Morocco', 'Africa/Casablanca'),
    (194, 'MC', 492, 'Monaco', 'Europe/Monaco'),
    (195, 'MD', 498, 'Moldova', 'Europe/Chisinau'),
    (196, 'ME', 499, 'Montenegro', 'Europe/Podgorica'),
    (197, 'MF', 663, 'St Martin (French)', 'America/Marigot'),
    (198, 'MG', 450, 'Madagascar', 'Indian/Antananarivo'),
    (199, 'MH', 584, 'Marshall Islands', 'Pacific/Majuro'),
    (200, 'MK', 807, 'North Macedonia', 'Europe/Skopje'),
    (201, 'ML', 466, 'Mali', 'Africa/Bamako'),
    (202, 'MM', 104, 'Myanmar (Burma)', 'Asia/Yangon'),
    (203, 'MN', 496, 'Mongolia', 'Asia/Ulaanbaatar'),
    (204, 'MN-043', 496, 'Hovd', 'Asia/Hovd'),
    (205, 'MN-046', 496, 'Uvs', 'Asia/Hovd'),
    (206, 'MO', 446, 'Macau', 'Asia/Macau'),
    (207, 'MP', 580, 'Northern Mariana Islands', 'Pacific/Saipan'),
    (208, 'MQ', 474, 'Martinique', 'America/Martinique'),
    (209, 'MR', 478, 'Mauritania', 'Africa/Nouakchott'),
    (210, 'MS', 500, 'Montserrat', 'America/Montserrat'),
    (211, 'MT', 470, 'Malta', 'Europe/Malta'),
    (212, 'MU', 480, 'Mauritius', 'Indian/Mauritius'),
    (213, 'MV', 462, 'Maldives', 'Indian/Maldives'),
    (214, 'MW', 454, 'Malawi', 'Africa/Blantyre'),
    (215, 'MX-BCN', 484, 'Baja California', 'America/Mazatlan'),
    (216, 'MX-BCS', 484, 'Baja California Sur', 'America/Mazatlan'),
    (217, 'MX-CAM', 484, 'Campeche', 'America/Merida'),
    (218, 'MX-CHH', 484, 'Chihuahua', 'America/Chihuahua'),
    (219, 'MX-DUR', 484, 'Durango', 'America/Monterrey'),
    (220, 'MX-NAY', 484, 'Nayarit', 'America/Mazatlan'),
    (221, 'MX-ROO', 484, 'Quintana Roo', 'America/Cancun'),
    (222, 'MX-SIN', 484, 'Sinaloa', 'America/Mazatlan'),
    (223, 'MX-SON', 484, 'Sonora', 'America/Hermosillo'),
    (224, 'MX-TAM', 484, 'Tamaulipas', 'America/Monterrey'),
    (225, 'MY', 458, 'Malaysia', 'Asia/Kuala_Lumpur'),
    (226, 'MY-12', 458, 'Sabah', 'Asia/Kuching'),
    (227, 'MY-13', 458, 'Sarawak', 'Asia/Kuching'),
    (228, 'MZ', 508, 'Mozambique', 'Africa/Maputo'),
    (229, 'NA', 516, 'Namibia', 'Africa/Windhoek'),
    (230, 'NC', 540, 'New Caledonia', 'Pacific/Noumea'),
    (231, 'NE', 562, 'Niger', 'Africa/Niamey'),
    (232, 'NF', 574, 'Norfolk Island', 'Pacific/Norfolk'),
    (233, 'NG', 566, 'Nigeria', 'Africa/Lagos'),
    (234, 'NI', 558, 'Nicaragua', 'America/Managua'),
    (235, 'NL', 528, 'Netherlands', 'Europe/Amsterdam'),
    (236, 'NO', 578, 'Norway', 'Europe/Oslo'),
    (237, 'NP', 524, 'Nepal', 'Asia/Kathmandu'),
    (238, 'NR', 520, 'Nauru', 'Pacific/Nauru'),
    (239, 'NU', 570, 'Niue', 'Pacific/Niue'),
    (240, 'NZ', 554, 'New Zealand', 'Pacific/Auckland'),
    (241, 'OM', 512, 'Oman', 'Asia/Muscat'),
    (242, 'PA', 591, 'Panama', 'America/Panama'),
    (243, 'PE', 604, 'Peru', 'America/Lima'),
    (244, 'PG', 598, 'Papua New Guinea', 'Pacific/Port_Moresby'),
    (245, 'PG-NSB', 598, 'Bougainville', 'Pacific/Bougainville'),
    (246, 'PH', 608, 'Philippines', 'Asia/Manila'),
    (247, 'PK', 586, 'Pakistan', 'Asia/Karachi'),
    (248, 'PL', 616, 'Poland', 'Europe/Warsaw'),
    (249, 'PM', 666, 'St Pierre & Miquelon', 'America/Miquelon'),
    (250, 'PN', 612, 'Pitcairn', 'Pacific/Pitcairn'),
    (251, 'PR', 630, 'Puerto Rico', 'America/Puerto_Rico'),
    (252, 'PS-GZA', 275, 'Gaza', 'Asia/Gaza'),
    (253, 'PT', 620, 'Portugal', 'Europe/Lisbon'),
    (254, 'PW', 585, 'Palau', 'Pacific/Palau'),
    (255, 'PY', 600, 'Paraguay', 'America/Asuncion'),
    (256, 'QA', 634, 'Qatar', 'Asia/Qatar'),
    (257, 'RE', 638, 'Réunion', 'Indian/Reunion'),
    (258, 'RO', 642, 'Romania', 'Europe/Bucharest'),
    (259, 'RS', 688, 'Serbia', 'Europe/Belgrade'),
    (260, 'RW', 646, 'Rwanda', 'Africa/Kigali'),
    (261, 'SA', 682, 'Saudi Arabia', 'Asia/Riyadh'),
    (262, 'SB', 90, 'Solomon Islands', 'Pacific/Guadalcanal'),
    (263, 'SC', 690, 'Seychelles', 'Indian/Mahe'),
    (264, 'SD', 729, 'Sudan', 'Africa/Khartoum'),
    (265, 'SE', 752, 'Sweden', 'Europe/Stockholm'),
    (266, 'SG', 702, 'Singapore', 'Asia/Singapore'),
    (267, 'SH', 654, 'St Helena', 'Atlantic/St_Helena'),
    (268, 'SI', 705, 'Slovenia', 'Europe/Ljubljana'),
    (269, 'SJ', 744, 'Svalbard & Jan Mayen', 'Arctic/Longyearbyen'),
    (270, 'SK', 703, 'Slovakia', 'Europe/Bratislava'),
    (271, 'SL', 694, 'Sierra Leone', 'Africa/Freetown'),
    (272, 'SM', 674, 'San Marino', 'Europe/San_Marino'),
    (273, 'SN', 686, 'Senegal', 'Africa/Dakar'),
    (274, 'SO', 706, 'Somalia', 'Africa/Mogadishu'),
    (275, 'SR', 740, 'Suriname', 'America/Paramaribo'),
    (276, 'SS', 728, 'South Sudan', 'Africa/Juba'),
    (277, 'ST', 678, 'Sao Tome & Principe', 'Africa/Sao_Tome'),
    (278, 'SV', 222, 'El Salvador', 'America/El_Salvador'),
    (279, 'SX', 534, 'St Maarten (Dutch)', 'America/Lower_Princes'),
    (280, 'SY', 760, 'Syria', 'Asia/Damascus'),
    (281, 'SZ', 748, 'Eswatini (Swaziland)', 'Africa/Mbabane'),
    (282, 'TC', 796, 'Turks & Caicos Is', 'America/Grand_Turk'),
    (283, 'TD', 148, 'Chad', 'Africa/Ndjamena'),
    (284, 'TF', 260, 'French S. Terr.', 'Indian/Kerguelen'),
    (285, 'TG', 768, 'Togo', 'Africa/Lome'),
    (286, 'TH', 764, 'Thailand', 'Asia/Bangkok'),
    (287, 'TJ', 762, 'Tajikistan', 'Asia/Dushanbe'),
    (288, 'TK', 772, 'Tokelau', 'Pacific/Fakaofo'),
    (289, 'TL', 626, 'East Timor', 'Asia/Dili'),
    (290, 'TM', 795, 'Turkmenistan', 'Asia/Ashgabat'),
    (291, 'TN', 788, 'Tunisia', 'Africa/Tunis'),
    (292, 'TO', 776, 'Tonga', 'Pacific/Tongatapu'),
    (293, 'TR', 792, 'Turkey', 'Europe/Istanbul'),
    (294, 'TT', 780, 'Trinidad & Tobago', 'America/Port_of_Spain'),
    (295, 'TV', 798, 'Tuvalu', 'Pacific/Funafuti'),
    (296, 'TW', 158, 'Taiwan', 'Asia/Taipei'),
    (297, 'TZ', 834, 'Tanzania', 'Africa/Dar_es_Salaam'),
    (298, 'UA', 804, 'Ukraine', 'Europe/Kyiv'),
    (299, 'UG', 800, 'Uganda', 'Africa/Kampala'),
    (300, 'UM-71', 581, 'Midway Islands', 'Pacific/Midway'),
    (301, 'UM-79', 581, 'Wake Island', 'Pacific/Wake'),
    (302, 'US-AK', 840, 'Alaska', 'America/Anchorage'),
    (303, 'US-AL', 840, 'Alabama', 'America/Chicago'),
    (304, 'US-AR', 840, 'Arkansas', 'America/Chicago'),
    (305, 'US-AZ', 840, 'Arizona', 'America/Phoenix'),
    (306, 'US-CA', 840, 'California', 'America/Los_Angeles'),
    (307, 'US-CO', 840, 'Colorado', 'America/Denver'),
    (308, 'US-CT', 840, 'Connecticut', 'America/New_York'),
    (310, 'US-DC', 840, 'District of Columbia', 'America/New_York'),
    (311, 'US-DE', 840, 'Delaware', 'America/New_York'),
    (312, 'US-FL', 840, 'Florida', 'America/New_York'),
    (313, 'US-GA', 840, 'Georgia', 'America/New_York'),
    (314, 'US-HI', 840, 'Hawaii', 'Pacific/Honolulu'),
    (315, 'US-IA', 840, 'Iowa', 'America/Chicago'),
    (316, 'US-ID', 840, 'Idaho', 'America/Denver'),
    (317, 'US-IL', 840, 'Illinois', 'America/Chicago'),
    (318, 'US-IN', 840, 'Indiana', 'America/Indiana/Indianapolis'),
    (319, 'US-KS', 840, 'Kansas', 'America/Chicago'),
    (320, 'US-KY', 840, 'Kentucky', 'America/New_York'),
    (321, 'US-LA', 840, 'Louisiana', 'America/Chicago'),
    (322, 'US-MA', 840, 'Massachusetts', 'America/New_York'),
    (323, 'US-MD', 840, 'Maryland', 'America/New_York'),
    (324, 'US-ME', 840, 'Maine', 'America/New_York'),
    (325, 'US-MI', 840, 'Michigan', 'America/New_York'),
    (326, 'US-MN', 840, 'Minnesota', 'America/Chicago'),
    (327, 'US-MO', 840, 'Missouri', 'America/Chicago'),
    (328, 'US-MS', 840, 'Mississippi', 'America/Chicago'),
    (329, 'US-MT', 840, 'Montana', 'America/Denver'),
    (330, 'US-NC', 840, 'North Carolina', 'America/New_York'),
    (331, 'US-ND', 840, 'North Dakota', 'America/North_Dakota/Center'),
    (332, 'US-NE', 840, 'Nebraska', 'America/Chicago'),
    (333, 'US-NH', 840, 'New Hampshire', 'America/New_York'),
    (334, 'US-NJ', 840, 'New Jersey', 'America/New_York'),
    (335, 'US-NM', 840, 'New Mexico', 'America/Denver'),
    (336, 'US-NV', 840, 'Nevada', 'America/Los_Angeles'),
    (337, 'US-NY', 840, 'New York', 'America/New_York'),
    (338, 'US-OH', 840, 'Ohio', 'America/New_York'),
    (339, 'US-OK', 840, 'Oklahoma', 'America/Chicago'),
    (340, 'US-OR', 840, 'Oregon', 'America/Los_Angeles'),
    (341, 'US-PA', 840, 'Pennsylvania', 'America/New_York'),
    (342, 'US-RI', 840, 'Rhode Island', 'America/New_York'),
    (343, 'US-SC', 840, 'South Carolina', 'America/New_York'),
    (344, 'US-SD', 840, 'South Dakota', 'America/Chicago'),
    (345, 'US-TN', 840, 'Tennessee', 'America/Chicago'),
    (346, 'US-TX', 840, 'Texas', 'America/Chicago'),
    (347, 'US-UT', 840, 'Utah', 'America/Denver'),
    (348, 'US-VA', 840, 'Virginia', 'America/New_York'),
    (349, 'US-VT', 840, 'Vermont', 'America/New_York'),
    (350, 'US-WA', 840, 'Washington', 'America/Los_Angeles'),
    (351, 'US-WI', 840, 'Wisconsin', 'America/Chicago'),
    (352, 'US-WV', 840, 'West Virginia', 'America/New_York'),
    (353, 'US-WY', 840, 'Wyoming', 'America/Denver'),
    (354, 'UY', 858, 'Uruguay', 'America/Montevideo'),
    (355, 'VA', 336, 'Vatican City', 'Europe/Vatican'),
    (356, 'VC', 670, 'St Vincent', 'America/St_Vincent'),
    (357, 'VE', 862, 'Venezuela', 'America/Caracas'),
    (358, 'VG', 92, 'Virgin Islands (UK)', 'America/Tortola'),
    (359, 'VI', 850, 'Virgin Islands (US)', 'America/St_Thomas'),
    (360, 'VN', 704, 'Vietnam', 'Asia/Ho_Chi_Minh'),
    (361, 'VU', 548, 'Vanuatu', 'Pacific/Efate'),
    (362, 'WF', 876, 'Wallis & Futuna', 'Pacific/Wallis'),
    (363, 'WS', 882, 'Samoa (western)', 'Pacific/Apia'),
    (364, 'YE', 887, 'Yemen', 'Asia/Aden'),
    (365, 'YT', 175, 'Mayotte', 'Indian/Mayotte'),
    (366, 'ZA', 710, 'South Africa', 'Africa/Johannesburg'),
    (367, 'ZM', 894, 'Zambia', 'Africa/Lusaka'),
    (368, 'ZW', 716, 'Zimbabwe', 'Africa/Harare');
-- END tzlocation rows

CREATE TABLE IF NOT EXISTS associate (
    associate_id  INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,   -- login name, e.g. tje0
    person_id     INTEGER REFERENCES person (person_id),
    rank          INTEGER NOT NULL DEFAULT 0,
    tooltip       TEXT NOT NULL DEFAULT '',
    type          INTEGER NOT NULL DEFAULT 1,            -- UserType: 1 = InternalAssociate
    group_idx     INTEGER NOT NULL DEFAULT 0,
    full_name     TEXT NOT NULL DEFAULT '',
    formal_name   TEXT NOT NULL DEFAULT '',
    deleted       INTEGER NOT NULL DEFAULT 0,
    ejuser_id     INTEGER NOT NULL DEFAULT 0,
    -- Ours: the associate's own time zone, used when a request names none.
    tzlocation_id INTEGER REFERENCES tzlocation (tzlocation_id),
    max_active_sessions INTEGER CHECK (max_active_sessions >= 0)
    -- Ours: the most sessions in progress the agent may hold at once; NULL: the topics'
    -- default (chat_topic.agent_max_active_sessions), if any.
);

-- Secrets live apart from the associate row; `value` is a PHC string (argon2id) or a hash,
-- never the secret itself.
CREATE TABLE IF NOT EXISTS credentials (
    id            INTEGER PRIMARY KEY,
    associate_id  INTEGER NOT NULL REFERENCES associate (associate_id),
    type          TEXT NOT NULL,                         -- 'password'
    value         TEXT NOT NULL,
    UNIQUE (associate_id, type)
);

-- Tickets (SOTicket 7T:...) and API tokens (Bearer 8A:...) issued by the admin CLI. Only the
-- SHA-256 of a secret is kept; `expires` NULL means no expiry.
CREATE TABLE IF NOT EXISTS auth_secret (
    id            INTEGER PRIMARY KEY,
    associate_id  INTEGER NOT NULL REFERENCES associate (associate_id),
    kind          TEXT NOT NULL,                         -- 'ticket' or 'token'
    fingerprint   TEXT NOT NULL UNIQUE,                  -- SHA-256 of the secret, hex
    created       TEXT NOT NULL,
    expires       TEXT,
    revoked       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS auth_secret_associate ON auth_secret (associate_id, kind);

-- Partner apps that call with SO-AppToken; only the token's SHA-256 is kept.
CREATE TABLE IF NOT EXISTS partner_app (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    fingerprint  TEXT NOT NULL UNIQUE,
    created      TEXT NOT NULL,
    revoked      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS contact (
    contact_id          INTEGER PRIMARY KEY,
    name                TEXT NOT NULL DEFAULT '',
    department          TEXT NOT NULL DEFAULT '',
    orgnr               TEXT NOT NULL DEFAULT '',
    number1             TEXT NOT NULL DEFAULT '',
    url                 TEXT NOT NULL DEFAULT '',
    url_name            TEXT NOT NULL DEFAULT '',
    phone               TEXT NOT NULL DEFAULT '',
    fax                 TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    email_name          TEXT NOT NULL DEFAULT '',
    kananame            TEXT NOT NULL DEFAULT '',
    associate_id        INTEGER REFERENCES associate (associate_id),
    country_id          INTEGER NOT NULL DEFAULT 0,
    country_name        TEXT NOT NULL DEFAULT '',
    business_name       TEXT NOT NULL DEFAULT '',
    category_name       TEXT NOT NULL DEFAULT '',
    is_owner            INTEGER NOT NULL DEFAULT 0,
    street_address1     TEXT NOT NULL DEFAULT '',
    street_address2     TEXT NOT NULL DEFAULT '',
    street_address3     TEXT NOT NULL DEFAULT '',
    street_zipcode      TEXT NOT NULL DEFAULT '',
    street_city         TEXT NOT NULL DEFAULT '',
    street_county       TEXT NOT NULL DEFAULT '',
    street_state        TEXT NOT NULL DEFAULT '',
    postal_address1     TEXT NOT NULL DEFAULT '',
    postal_address2     TEXT NOT NULL DEFAULT '',
    postal_address3     TEXT NOT NULL DEFAULT '',
    postal_zipcode      TEXT NOT NULL DEFAULT '',
    postal_city         TEXT NOT NULL DEFAULT '',
    postal_county       TEXT NOT NULL DEFAULT '',
    postal_state        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS person (
    person_id            INTEGER PRIMARY KEY,
    contact_id           INTEGER REFERENCES contact (contact_id),
    firstname            TEXT NOT NULL DEFAULT '',
    middlename           TEXT NOT NULL DEFAULT '',
    lastname             TEXT NOT NULL DEFAULT '',
    mrmrs                TEXT NOT NULL DEFAULT '',
    title                TEXT NOT NULL DEFAULT '',
    position             TEXT NOT NULL DEFAULT '',
    description          TEXT NOT NULL DEFAULT '',
    email                TEXT NOT NULL DEFAULT '',
    email_name           TEXT NOT NULL DEFAULT '',
    direct_phone         TEXT NOT NULL DEFAULT '',
    mobile_phone         TEXT NOT NULL DEFAULT '',
    fax_phone            TEXT NOT NULL DEFAULT '',
    country_id           INTEGER NOT NULL DEFAULT 0,
    retired              INTEGER NOT NULL DEFAULT 0,
    rank                 INTEGER NOT NULL DEFAULT 0,
    associate_id         INTEGER REFERENCES associate (associate_id),
    use_person_address   INTEGER NOT NULL DEFAULT 0,
    kanafname            TEXT NOT NULL DEFAULT '',
    kanalname            TEXT NOT NULL DEFAULT '',
    ticket_priority_id   INTEGER NOT NULL DEFAULT 0,
    support_language_id  INTEGER NOT NULL DEFAULT 0,
    support_associate_id INTEGER NOT NULL DEFAULT 0,
    person_number        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS project (
    project_id      INTEGER PRIMARY KEY,
    name            TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    url             TEXT NOT NULL DEFAULT '',
    url_name        TEXT NOT NULL DEFAULT '',
    type_idx        INTEGER NOT NULL DEFAULT 0,
    type_name       TEXT NOT NULL DEFAULT '',
    associate_id    INTEGER REFERENCES associate (associate_id),
    updated         TEXT,
    status_idx      INTEGER NOT NULL DEFAULT 0,
    status_name     TEXT NOT NULL DEFAULT '',
    text_id         INTEGER NOT NULL DEFAULT 0,
    publish_from    TEXT,
    publish_to      TEXT,
    is_published    INTEGER NOT NULL DEFAULT 0,
    project_number  TEXT NOT NULL DEFAULT '',
    event_id        INTEGER NOT NULL DEFAULT 0,
    start_date      TEXT
);

CREATE TABLE IF NOT EXISTS sale (
    sale_id         INTEGER PRIMARY KEY,
    heading         TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    saledate        TEXT,
    probability     INTEGER NOT NULL DEFAULT 0,
    amount          REAL NOT NULL DEFAULT 0,
    earning         REAL NOT NULL DEFAULT 0,
    currency        TEXT NOT NULL DEFAULT '',
    status          INTEGER NOT NULL DEFAULT 1,   -- SaleStatus: 1 = Open
    completed       INTEGER NOT NULL DEFAULT 1,   -- ActivityStatus: 1 = NotStarted
    contact_id      INTEGER REFERENCES contact (contact_id),
    person_id       INTEGER REFERENCES person (person_id),
    project_id      INTEGER REFERENCES project (project_id),
    associate_id    INTEGER REFERENCES associate (associate_id),
    sale_type_id    INTEGER NOT NULL DEFAULT 0,
    sale_type_name  TEXT NOT NULL DEFAULT '',
    next_due_date   TEXT,
    number1         TEXT NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS ticket (
    id                      INTEGER PRIMARY KEY,
    title                   TEXT NOT NULL DEFAULT '',
    created_at              TEXT,
    last_changed            TEXT,
    read_by_owner           TEXT,
    read_by_customer        TEXT,
    first_read_by_user      TEXT,
    activate                TEXT,
    closed_at               TEXT,
    replied_at              TEXT,
    alert_timeout           TEXT,
    deadline                TEXT,
    created_by              INTEGER REFERENCES associate (associate_id),
    author                  TEXT NOT NULL DEFAULT '',
    owned_by                INTEGER REFERENCES associate (associate_id),
    category                INTEGER NOT NULL DEFAULT 0,
    category_name           TEXT NOT NULL DEFAULT '',
    slevel                  INTEGER NOT NULL DEFAULT 1,   -- TicketSecurityLevel: 1 = Internal
    priority                INTEGER NOT NULL DEFAULT 0,
    priority_name           TEXT NOT NULL DEFAULT '',
    base_status             INTEGER NOT NULL DEFAULT 1,   -- TicketBaseStatus: 1 = Active
    ticket_status           INTEGER NOT NULL DEFAULT 0,
    ticket_status_name      TEXT NOT NULL DEFAULT '',
    origin                  INTEGER NOT NULL DEFAULT 0,   -- TicketOrigin
    cust_id                 INTEGER REFERENCES person (person_id),
    alert_level             INTEGER NOT NULL DEFAULT 0,
    connect_id              INTEGER NOT NULL DEFAULT 0,
    read_status             INTEGER NOT NULL DEFAULT 0,   -- TicketReadStatus
    time_to_reply           INTEGER NOT NULL DEFAULT 0,
    real_time_to_reply      INTEGER NOT NULL DEFAULT 0,
    time_to_close           INTEGER NOT NULL DEFAULT 0,
    real_time_to_close      INTEGER NOT NULL DEFAULT 0,
    time_spent_internally   INTEGER NOT NULL DEFAULT 0,
    time_spent_externally   INTEGER NOT NULL DEFAULT 0,
    time_spent_queue        INTEGER NOT NULL DEFAULT 0,
    real_time_spent_internally INTEGER NOT NULL DEFAULT 0,
    real_time_spent_externally INTEGER NOT NULL DEFAULT 0,
    real_time_spent_queue   INTEGER NOT NULL DEFAULT 0,
    has_attachment          INTEGER NOT NULL DEFAULT 0,
    num_replies             INTEGER NOT NULL DEFAULT 0,
    num_messages            INTEGER NOT NULL DEFAULT 0,
    from_address            TEXT NOT NULL DEFAULT '',
    language                TEXT NOT NULL DEFAULT '',
    sentiment               INTEGER NOT NULL DEFAULT 0,
    sentiment_confidence    INTEGER NOT NULL DEFAULT 0,
    sale_id                 INTEGER REFERENCES sale (sale_id),
    project_id              INTEGER REFERENCES project (project_id),
    form_submission_id      INTEGER NOT NULL DEFAULT 0,
    ticket_type_id          INTEGER NOT NULL DEFAULT 0,
    ticket_type_name        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS chat_topic (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description        TEXT NOT NULL DEFAULT '',
    language_id        INTEGER REFERENCES language (id),  -- the customers' language
    welcome_message    TEXT NOT NULL DEFAULT '',          -- may be multi-language: US:"..";NO:".."
    last_accept        TEXT,
    seconds_pr_accept  INTEGER NOT NULL DEFAULT 0,
    -- {agent} in the welcome message is the agent's first name rather than the full name.
    widget_agent_use_firstname INTEGER NOT NULL DEFAULT 0,
    -- Ours: how many pickups seconds_pr_accept averages over (SuperOffice keeps no count).
    accept_count       INTEGER NOT NULL DEFAULT 0,
    -- Ours: the capacity of an agent who responds here and has none of their own (the
    -- lowest of their topics' applies); NULL: none.
    agent_max_active_sessions INTEGER CHECK (agent_max_active_sessions >= 0),
    -- Ours: the web origins whose pages may call the customer routes for this topic (the
    -- widget's CORS), comma-separated and normalized; empty: none but the service's own.
    allowed_origins    TEXT NOT NULL DEFAULT '',
    -- Ours: how long (seconds) a customer's chat here stays alive without a fetch; NULL:
    -- the service's --customer-idle-seconds.
    customer_idle_seconds INTEGER CHECK (customer_idle_seconds BETWEEN 60 AND 86400)
);

-- Membership and rights of a user agent in a topic (SuperOffice: chat_topic_user).
CREATE TABLE IF NOT EXISTS chat_topic_user (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES associate (associate_id),
    topic_id       INTEGER NOT NULL REFERENCES chat_topic (id),
    can_listen     INTEGER NOT NULL DEFAULT 0,
    can_respond    INTEGER NOT NULL DEFAULT 0,
    manager        INTEGER NOT NULL DEFAULT 0,
    notifications  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (user_id, topic_id)
);

CREATE TABLE IF NOT EXISTS chat_session (
    id                 INTEGER PRIMARY KEY,
    topic_id           INTEGER NOT NULL REFERENCES chat_topic (id),
    user_id            INTEGER REFERENCES associate (associate_id),
    customer_id        INTEGER REFERENCES person (person_id),
    contact_id         INTEGER REFERENCES contact (contact_id),
    project_id         INTEGER REFERENCES project (project_id),
    sale_id            INTEGER REFERENCES sale (sale_id),
    ticket_id          INTEGER REFERENCES ticket (id),
    transfer_to        INTEGER REFERENCES associate (associate_id),
    customer_alias     TEXT NOT NULL DEFAULT '',
    customer_host      TEXT NOT NULL DEFAULT '',
    name               TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    company_name       TEXT NOT NULL DEFAULT '',
    country            TEXT NOT NULL DEFAULT '',
    consented          INTEGER NOT NULL DEFAULT 0,
    status             INTEGER NOT NULL,                  -- ChatSessionStatus: 4 = InQueue
    first_message      TEXT NOT NULL DEFAULT '',
    last_message       TEXT NOT NULL DEFAULT '',
    when_requested     TEXT NOT NULL,
    when_started       TEXT,
    when_ended         TEXT,
    idle               TEXT,
    customer_fetch     TEXT,
    session_key        TEXT NOT NULL DEFAULT '',
    initial_queue_pos  INTEGER NOT NULL DEFAULT 0,
    alert_level        INTEGER NOT NULL DEFAULT 0,
    rank               INTEGER NOT NULL DEFAULT 0,
    flags              INTEGER NOT NULL DEFAULT 0,
    chatbot_isactive   INTEGER NOT NULL DEFAULT 0,
    rating             INTEGER NOT NULL DEFAULT 0,
    -- Ours: the language the customer asked in (their welcome is in it where the topic's
    -- welcome has it); NULL: the topic's.
    language_id        INTEGER REFERENCES language (id),
    -- Ours: a customer's session is alive until this instant - their last fetch and the
    -- idle allowance; past it the chat is dead: no pickup hands it out, the sweep closes
    -- it. NULL: no customer fetches it (made by an agent or the admin), never dead.
    alive_until        TEXT
);
-- The queue walk: status first, then the pickup order, with topic_id in the index so the
-- caller's topic filter is checked without touching the table. SuperOffice's own
-- (status, topic_id, id) makes SQLite sort the whole queue once an agent has two topics.
CREATE INDEX IF NOT EXISTS chat_session_queue
    ON chat_session (status, when_requested, id, topic_id);
-- Rank: the agent's active sessions (CustomerLast, UserLast) in rank order, read from the
-- index alone and only as far as the first free rank.
CREATE INDEX IF NOT EXISTS chat_session_user_status ON chat_session (user_id, status);
CREATE INDEX IF NOT EXISTS chat_session_active_rank ON chat_session (user_id, rank, status)
    WHERE status IN (5, 6);

CREATE TABLE IF NOT EXISTS chat_message (
    id                INTEGER PRIMARY KEY,
    session_id        INTEGER NOT NULL REFERENCES chat_session (id),
    message           TEXT NOT NULL DEFAULT '',
    when_posted       TEXT NOT NULL,
    type              INTEGER NOT NULL,          -- ChatMessageType: 1 = ToCustomer
    special_type      INTEGER NOT NULL DEFAULT 0, -- ChatMessageSpecialType: 1 = Welcome
    special_param     TEXT NOT NULL DEFAULT '',
    read_by_customer  INTEGER NOT NULL DEFAULT 0,
    author            TEXT NOT NULL DEFAULT '',
    created_by        INTEGER NOT NULL DEFAULT 0  -- associate id; -1 for the customer
);
CREATE INDEX IF NOT EXISTS chat_message_session ON chat_message (session_id, id);

-- Failed password verifications per login name, across every source and server instance:
-- the per-account ceiling of login throttling. The name is as typed (known or not), case
-- folded and hashed (SHA-256 hex), so no made-up name is kept. Counts an hour old go.
CREATE TABLE IF NOT EXISTS login_failure (
    login         TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL,
    last_failure  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failure_last ON login_failure (last_failure);

-- Idempotency-Key: each key an associate sent with a change, and what the change did, written
-- in the change's own transaction. A retry with the key is answered from here. Keys expire
-- (24 h by default) and are swept a few at a time by later keyed changes.
CREATE TABLE IF NOT EXISTS idempotency_key (
    associate_id  INTEGER NOT NULL REFERENCES associate (associate_id),
    key           TEXT NOT NULL,
    operation     TEXT NOT NULL,                        -- pickup-first, ...
    session_id    INTEGER REFERENCES chat_session (id), -- NULL: nothing to take
    message_id    INTEGER REFERENCES chat_message (id), -- the message posted, if any
    created       TEXT NOT NULL,
    PRIMARY KEY (associate_id, key)
);
CREATE INDEX IF NOT EXISTS idempotency_key_created ON idempotency_key (created);

-- Ours: an Idempotency-Key a customer sent with a message, per session, written in the
-- message's own transaction; a retry with it is answered with the message posted. Keys of a
-- day ago go with the sweep of dead chats.
CREATE TABLE IF NOT EXISTS customer_key (
    session_id  INTEGER NOT NULL REFERENCES chat_session (id),
    key         TEXT NOT NULL,
    operation   TEXT NOT NULL,
    message_id  INTEGER REFERENCES chat_message (id),
    created     TEXT NOT NULL,
    PRIMARY KEY (session_id, key)
);
CREATE INDEX IF NOT EXISTS customer_key_created ON customer_key (created);

-- Ours: the outbox of SuperOffice's chat webhook events - one row per committed change of a
-- session, written in the change's own transaction (so it exists if and only if the change
-- does), with the session's FieldValues as the change left them. Delivered to each webhook
-- that asks for its event through webhook_delivery; swept once a week old and delivered.
CREATE TABLE IF NOT EXISTS chat_event (
    id                INTEGER PRIMARY KEY,
    event_id          TEXT NOT NULL,              -- EventId: a random UUID
    event             TEXT NOT NULL,              -- chatsession.created, .changed, .message
    session_id        INTEGER NOT NULL REFERENCES chat_session (id),
    message_id        INTEGER REFERENCES chat_message (id),
    changes           TEXT NOT NULL DEFAULT '',   -- Changes, comma-separated
    associate_id      INTEGER NOT NULL DEFAULT 0, -- ChangedByAssociateId; 0: a customer, the service
    context           TEXT NOT NULL DEFAULT '',   -- ContextIdentifier: the request's id
    created           TEXT NOT NULL,              -- Timestamp
    alert_level       INTEGER NOT NULL,
    chatbot_isactive  INTEGER NOT NULL,
    consented         INTEGER NOT NULL,
    contact_id        INTEGER,
    customer_alias    TEXT NOT NULL,
    customer_id       INTEGER,
    project_id        INTEGER,
    rating            INTEGER NOT NULL,
    sale_id           INTEGER,
    status            INTEGER NOT NULL,
    ticket_id         INTEGER,
    topic_id          INTEGER NOT NULL,
    user_id           INTEGER,
    transfer_to       INTEGER
);
CREATE INDEX IF NOT EXISTS chat_event_created ON chat_event (created);

-- Ours: where the events go (`admin webhook add`): SuperOffice's webhook - a name, a URL, the
-- events it wants and the secret its deliveries are signed with (kept as given: it signs;
-- never shown again). A webhook that keeps failing is marked failing (SuperOffice's
-- TooManyErrors) and sent nothing until `admin webhook resume`.
CREATE TABLE IF NOT EXISTS webhook (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    url       TEXT NOT NULL,
    events    TEXT NOT NULL,                  -- comma-separated event names
    secret    TEXT NOT NULL,
    failing   INTEGER NOT NULL DEFAULT 0,
    created   TEXT NOT NULL
);

-- Ours: an event one webhook is still to receive, queued with the event in the change's
-- transaction; gone once the receiver took it, or with its webhook. A session's events go out in order: the next
-- waits for the one before.
CREATE TABLE IF NOT EXISTS webhook_delivery (
    webhook_id  INTEGER NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
    event_row   INTEGER NOT NULL REFERENCES chat_event (id),
    session_id  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    due         TEXT NOT NULL,                -- when the next attempt may go
    claim       TEXT NOT NULL DEFAULT '',     -- the sender that took it last, until due
    last_error  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (webhook_id, event_row)
);
CREATE INDEX IF NOT EXISTS webhook_delivery_session
    ON webhook_delivery (webhook_id, session_id, event_row);
-- The events no webhook waits for any more (the sweep), without reading every delivery.
CREATE INDEX IF NOT EXISTS webhook_delivery_event ON webhook_delivery (event_row);

PRAGMA user_version = 12;
