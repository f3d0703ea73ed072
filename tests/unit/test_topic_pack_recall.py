"""Issue 8: the summits and arrest-warrants topics on the ordinary ways wire copy reports each
event, language by language, and on the near misses the definitions exclude.

Every sentence is written for this test from the definitions (/work/shared/topics.md) in the
phrasing of news agencies' headlines and leads; none is taken from a labelled document. A
battery holds one language's positives and near misses of one topic, so a miss says which
wording of which language the pack lacks. The pack's figures on real documents come from
`make eval ARGS=topics` (eval/topics.py).
"""

from __future__ import annotations

import functools

import pytest

from newswatch.core.query import MatchDocument, TopicMatcher, TopicSpec
from newswatch.topics import load_pack

SUMMITS, WARRANTS = "summits", "arrest-warrants"
# the languages issue 8 asks for, then those it asks for where possible
REQUIRED = ("en", "es", "fr", "de", "ru", "uk", "it", "pt", "tr", "ar", "zh", "ja", "ko")


@functools.cache
def pack_matcher() -> TopicMatcher:
    return TopicMatcher(TopicSpec(t.name, t.compiled) for t in load_pack().values())


def found(title: str, text: str) -> set[str]:
    document = MatchDocument.build(title=title, text=text)
    return {m.topic for m in pack_matcher().match(document)}


# (topic, sentence, whether the topic must match it), per language
SUMMIT_CASES: dict[str, list[tuple[str, bool]]] = {
    "en": [
        ("Biden meets Xi on the sidelines of the APEC summit in San Francisco.", True),
        ("French President Emmanuel Macron hosted German Chancellor Olaf Scholz in Paris.", True),
        ("Talks between Prime Minister Modi and President Putin focused on energy.", True),
        ("Chinese President Xi Jinping arrived in Moscow for a three-day state visit.", True),
        (
            "Australian Prime Minister Anthony Albanese arrived in Beijing for a four-day visit.",
            True,
        ),
        ("Erdogan and Putin agreed to extend the grain deal at their meeting in Sochi.", True),
        ("Leaders of the Group of Seven gathered in Hiroshima on Friday.", True),
        ("NATO leaders will meet in Vilnius next month to discuss Ukraine.", True),
        ("EU leaders agreed at a summit in Brussels to open membership talks with Ukraine.", True),
        ("BRICS leaders open their summit in Johannesburg.", True),
        ("The ASEAN summit opened in Jakarta on Tuesday.", True),
        ("Xi arrives in Astana for the Shanghai Cooperation Organisation summit.", True),
        ("Biden will host Kenyan President William Ruto for a state visit in May.", True),
        ("Japanese Prime Minister Kishida will travel to Washington for talks with Biden.", True),
        ("The Indian prime minister held talks with his Japanese counterpart in Tokyo.", True),
        ("King Charles welcomed the South Korean president at Buckingham Palace.", True),
        ("Starmer to visit Washington next week to meet Trump.", True),
        ("The Kremlin said Putin and Trump would meet in Alaska on August 15.", True),
        ("The summit between the two leaders was postponed indefinitely.", True),
        ("G7 foreign ministers met on the Italian island of Capri.", False),
        ("Climbers reached the summit of Mount Everest on Tuesday.", False),
        ("The Web Summit in Lisbon drew 70,000 attendees this year.", False),
        ("Biden spoke by phone with Xi on Thursday.", False),
        ("Secretary of State Blinken met President Zelensky in Kyiv.", False),
        ("The president met his cabinet to discuss the budget.", False),
        ("The prime minister met opposition leaders at Downing Street.", False),
        ("Celtic go top after the summit clash with Rangers ended 2-1.", False),
        ("The defence ministers of NATO meet in Brussels on Thursday.", False),
        ("Putin hosts Xi for talks in the Kremlin.", True),
        ("Xi, Putin pledge 'no limits' partnership in Beijing talks.", True),
        ("Kim Jong Un arrives in Vladivostok for talks with Putin.", True),
        ("Modi embarks on a five-nation visit to Ghana, Namibia and Brazil.", True),
        ("Netanyahu to fly to Washington for White House meeting with Trump.", True),
        ("Trump hosts Saudi Crown Prince Mohammed bin Salman at the White House.", True),
        ("Trump meets Saudi crown prince in Riyadh.", True),
        ("Indonesian President Prabowo Subianto paid a state visit to China.", True),
        ("Egypt's Sisi receives Jordan's King Abdullah in Cairo.", True),
        ("Vice President JD Vance met Indian Prime Minister Modi in New Delhi.", False),
        ("Trump met with the chief executives of tech companies at the White House.", False),
        ("Summit Materials President Anne Noonan said the company would raise prices.", False),
        ("The Summit County Council president said the road would reopen.", False),
        ("Modi and Putin hug as Indian leader arrives for annual summit.", True),
        ("Biden to travel to Saudi Arabia, will meet crown prince.", True),
        ("Trump says he will sit down with Xi in South Korea later this month.", True),
        (
            "Japan's prime minister Ishiba held talks with President Trump at the White House.",
            True,
        ),
        ("Macron welcomed Xi to the Elysee Palace on Monday.", True),
        ("Starmer hosted Zelensky at Downing Street.", True),
        ("The two presidents shook hands before their talks in Helsinki.", True),
        ("Orban travels to Moscow to see Putin.", True),
        ("Zelensky arrives in Washington for talks with Trump.", True),
        ("Leaders from 27 EU countries met in Brussels on Thursday.", True),
        ("African Union summit opens in Addis Ababa.", True),
        ("Commonwealth heads of government gather in Samoa.", True),
        ("Trump's meeting with Putin in Anchorage ended without a deal.", True),
        ("Pope Leo met US Vice President Vance at the Vatican.", False),
        ("Putin met Witkoff in the Kremlin for five hours.", False),
        ("Trump met with Republican senators on Capitol Hill.", False),
        ("The president met families of the victims.", False),
        ("Tiger Woods met President Trump at his golf club.", False),
        ("The king met the prime minister for their weekly audience at Buckingham Palace.", False),
        ("The prime minister hosted a summit of business leaders on AI at Bletchley Park.", False),
        ("The party's leadership summit chose a new chairman.", False),
        ("The presidents of Brazil and Argentina met on the border.", True),
        ("Business leaders from China and India met in Delhi.", False),
        (
            "At the UN Climate Action Summit in New York, the Indian prime minister pledged "
            "to double solar power.",
            False,
        ),
        (
            "Trump, who will be sworn in as president in January, brought his daughter into a "
            "meeting with Japanese Prime Minister Shinzo Abe. The president-elect is also vetting "
            "cabinet picks.",
            False,
        ),
        ("The company's president met the prime minister to discuss investment.", False),
        ("The university president met the prime minister at the science fair.", False),
        ("The club president met the president of the football federation.", False),
        ("The Senate president met the president at the White House.", False),
        ("The president of the European Parliament met the Ukrainian president.", False),
        ("The president met the king of Jordan in Amman.", True),
        ("President Macron met Prime Minister Modi in Marseille.", True),
        ("Zelensky and Macron hold talks in Paris.", True),
        ("Putin, Kim sign mutual defence pact at Pyongyang summit.", True),
        ("Speaking at the DealBook Summit, the president said tariffs would stay.", False),
        ("The president addressed the Concordia Summit in New York.", False),
        ("The prime minister spoke at the World Government Summit in Dubai.", False),
        ("The president opened the national education summit.", False),
        ("The president said the youth summit would draw 5,000 students.", False),
        ("The president and the prime minister will attend the NATO summit in The Hague.", True),
        ("Biden hosted the Summit for Democracy with leaders from 100 countries.", True),
        ("President Biden embarks on a cross-country tour to tout the infrastructure law.", False),
        ("The prime minister began a three-country tour of Africa.", True),
        (
            "The president met the prime minister for talks, then the president toured a school.",
            True,
        ),
        ("US, China leaders to meet in South Korea next week.", True),
        ("Xi and Lula hold talks in Beijing.", True),
        ("Japanese PM Ishiba visits Washington for first summit with Trump.", True),
        ("Trump-Kim summit in Hanoi ends abruptly without a deal.", True),
        ("Macron to travel to China next month, Elysee says.", True),
        ("Saudi crown prince to visit the White House on Nov. 18.", True),
        ("Modi lands in Moscow, to hold talks with Putin.", True),
        ("The president met reporters at 3 pm in the Oval Office.", False),
        ("The leaders of the House and Senate met at the White House.", False),
        ("Party leaders met to discuss the coalition.", False),
        ("Republican leaders met with the president on the debt ceiling.", False),
        ("The foreign minister visited Beijing ahead of the leaders' summit.", True),
        ("The business leaders summit in Davos closed.", False),
        ("Prices rose. At last year's leaders' summit the president promised aid.", False),
        ("US and UK leaders of industry met in London.", False),
        ("Trump visited the White House lawn to greet schoolchildren.", False),
        ("Modi and Xi held talks on the sidelines of the SCO summit in Tianjin.", True),
        ("Trump said he would meet Putin in Budapest within two weeks.", True),
        (
            "The White House said President Trump will "
            "host Japanese Prime Minister Takaichi next month.",
            True,
        ),
        ("G20 leaders held a virtual summit hosted by Saudi Arabia.", True),
        ("Albanese will make an official visit to China next week, his office said.", True),
        ("The planned summit between Trump and Putin in Budapest was called off.", True),
        ("Trump and Xi met in Busan on the sidelines of the APEC summit.", True),
        ("Trump hosted a dinner for Central Asian leaders at the White House.", True),
        ("Xi will travel to Washington in April, Trump said.", True),
        ("Toyota President Akio Toyoda met Prime Minister Kishida on Monday.", False),
        ("Samsung Electronics President Han Jong-hee met President Yoon to discuss chips.", False),
        (
            "Chinese exports rose 5% in October. The two countries "
            "agreed a tariff truce at the 2019 G20 summit in Osaka.",
            False,
        ),
        ("Biden and Xi spoke in a video call on Monday.", False),
        ("The World Bank president met the Nigerian president in Abuja.", False),
        (
            "The Indian prime minister addressed the "
            "India Mobile Congress summit of industry leaders.",
            False,
        ),
        ("Vice President Vance met Italian Prime Minister Meloni in Rome.", False),
        ("Prime Minister Carney met the premiers of the provinces in Ottawa.", False),
        ("President Xi chaired a meeting of the Politburo.", False),
        ("Biden met with the President of Harvard University.", False),
    ],
    "es": [
        ("Sánchez recibió al presidente de Brasil en la Moncloa.", True),
        ("El presidente Lula se reunió con su homólogo argentino en Buenos Aires.", True),
        ("Xi Jinping recibió al presidente francés en Pekín.", True),
        ("Los líderes del G20 se reúnen en Río de Janeiro.", True),
        ("La cumbre de la OTAN arranca este martes en Vilna.", True),
        ("El rey Felipe VI inicia una visita de Estado a Italia.", True),
        ("El presidente chino llegó a Madrid para una visita oficial de tres días.", True),
        ("Sheinbaum y Trump acordaron en su reunión reforzar la cooperación fronteriza.", True),
        ("Cumbre de la UE: los Veintisiete acuerdan nuevas sanciones a Rusia.", True),
        ("Los ministros de Exteriores de la UE se reunieron en Bruselas.", False),
        ("El alpinista alcanzó la cumbre del Aconcagua.", False),
        ("Sánchez habló por teléfono con Macron.", False),
        ("El presidente se reunió con su gabinete en la Moncloa.", False),
        ("La cumbre empresarial reunió a 300 directivos en Madrid.", False),
        ("Sánchez recibió al presidente brasileño en la Moncloa.", True),
        ("Noboa se reunió con Trump en Mar-a-Lago.", True),
        ("Petro y Maduro se reúnen en Caracas.", True),
        ("El jugador Sánchez se reunió con el presidente del club brasileño.", False),
        ("Pedro Sánchez viaja a China para reunirse con Xi Jinping.", True),
        (
            "El presidente de Francia llegó a Buenos Aires para reunirse con Milei.",
            True,
        ),
        ("Los presidentes de Colombia y Ecuador se reunieron en la frontera.", True),
        ("El presidente se reunió con los gobernadores en la Casa Rosada.", False),
        ("Los presidentes de las comunidades autónomas se reunieron en Madrid.", False),
        ("El presidente de la empresa se reunió con el presidente del Gobierno.", False),
        ("Putin y Xi Jinping firman en Moscú una declaración conjunta tras su reunión.", True),
        ("La visita de Estado del presidente chino a España comenzó el lunes.", True),
        ("El presidente inauguró la cumbre de la juventud.", False),
        ("Sheinbaum: recibida la propuesta del presidente Trump sobre aranceles.", False),
        ("Sheinbaum fue recibida por el presidente Trump en la Casa Blanca.", True),
        (
            "Sánchez y Lula mantuvieron un encuentro bilateral al margen de la cumbre del G20.",
            True,
        ),
        ("El presidente de Chile realizará una visita oficial a China la próxima semana.", True),
        ("La vicepresidenta se reunió con el presidente de Francia.", False),
        ("Los ministros de Economía del G20 se reunieron en Washington.", False),
    ],
    "fr": [
        ("Emmanuel Macron a reçu le chancelier allemand à l'Élysée.", True),
        ("Le président chinois Xi Jinping est arrivé à Paris pour une visite d'État.", True),
        ("Macron et Meloni se sont entretenus à Rome.", True),
        ("Le sommet du G7 s'est ouvert à Hiroshima.", True),
        ("Les dirigeants de l'UE se réunissent jeudi à Bruxelles.", True),
        ("Le Premier ministre indien effectue une visite officielle en France.", True),
        ("Rencontre entre Poutine et Trump en Alaska.", True),
        ("Les ministres des Affaires étrangères du G7 se sont réunis à Capri.", False),
        ("L'alpiniste a atteint le sommet du mont Blanc.", False),
        ("Macron s'est entretenu par téléphone avec Zelensky.", False),
        ("Le président a reçu les syndicats à l'Élysée.", False),
        ("Visite de Macron au Maroc : le président accueilli par le roi Mohammed VI.", True),
        ("Sommet UE-Chine à Pékin.", True),
        ("Le président algérien Abdelmadjid Tebboune a reçu son homologue tunisien.", True),
        ("Emmanuel Macron et Olaf Scholz se sont retrouvés à Paris.", True),
        ("Le Premier ministre a reçu les partenaires sociaux à Matignon.", False),
        ("Le président du club a rencontré le président de la Ligue.", False),
        ("Le président de l'Assemblée nationale a reçu le président ukrainien.", False),
        ("Emmanuel Macron en visite d'État au Maroc.", True),
        ("Le chef de l'État s'est rendu à Berlin pour rencontrer le chancelier.", True),
        ("Le président sénégalais a été reçu à l'Élysée par Emmanuel Macron.", True),
        ("Macron et Scholz se sont entretenus par téléphone.", False),
        ("Le président a ouvert le sommet de l'éducation.", False),
        ("Emmanuel Macron s'entretiendra avec Donald Trump en marge du sommet de l'Otan.", True),
        ("Le président ivoirien est attendu à Paris pour une visite officielle.", True),
        ("Le ministre des Armées a rencontré son homologue allemand.", False),
    ],
    "de": [
        (
            "Bundeskanzler Scholz hat den französischen Präsidenten Macron in Berlin empfangen.",
            True,
        ),
        ("Merz trifft Trump im Weißen Haus.", True),
        (
            "Der chinesische Präsident Xi ist zu einem Staatsbesuch in Frankreich eingetroffen.",
            True,
        ),
        ("Der NATO-Gipfel in Den Haag hat begonnen.", True),
        ("Die Staats- und Regierungschefs der EU beraten in Brüssel über die Ukraine.", True),
        ("Selenskyj und Merz vereinbarten bei ihrem Treffen weitere Hilfe.", True),
        ("Die Außenminister der G7 trafen sich auf Capri.", False),
        ("Der Bergsteiger erreichte den Gipfel des Matterhorns.", False),
        ("Scholz telefonierte mit Putin.", False),
        ("Der Kanzler traf sich mit den Ministerpräsidenten der Länder.", False),
        ("Xi Jinping zu Besuch in Ungarn: Orban empfängt den chinesischen Staatschef.", True),
        ("EU-Gipfel in Brüssel: Einigung auf neue Sanktionen.", True),
        ("Bundeskanzler Merz ist zu seinem Antrittsbesuch in Warschau eingetroffen.", True),
        ("Scholz und Macron berieten in Paris über die Lage in der Ukraine.", True),
        ("Der Bundespräsident empfing den Bundestagspräsidenten.", False),
        ("Der Präsident des FC Bayern traf den DFB-Präsidenten.", False),
        ("Der Bundeskanzler empfing den französischen Präsidenten.", True),
        ("Der Präsident eröffnete den Bildungsgipfel.", False),
        ("Merz trifft Macron am Rande des EU-Gipfels in Brüssel.", True),
        ("Bundeskanzler Merz wird kommende Woche zu Gesprächen nach Peking reisen.", True),
        ("Außenminister Wadephul traf seinen chinesischen Amtskollegen.", False),
    ],
    "ru": [
        ("Путин провел переговоры с Си Цзиньпином в Кремле.", True),
        ("Президент России встретился с премьер-министром Индии.", True),
        ("Путин прибыл в Пекин с государственным визитом.", True),
        ("Саммит БРИКС открылся в Казани.", True),
        ("Лидеры стран ШОС собрались в Астане.", True),
        ("Лукашенко и Путин договорились на встрече в Сочи о новых кредитах.", True),
        ("Министры иностранных дел БРИКС встретились в Рио.", False),
        ("Альпинисты покорили вершину Эвереста.", False),
        ("Путин провел телефонный разговор с Трампом.", False),
        ("Путин встретился с губернатором Курской области.", False),
        ("Путин посетит Индию с официальным визитом.", True),
        ("Переговоры Путина и Трампа на Аляске продлились три часа.", True),
        ("Премьер-министр Индии Моди прибыл в Москву.", True),
        ("Путин провел встречу с Лукашенко в Минске.", True),
        ("Си Цзиньпин прибыл в Москву с государственным визитом.", True),
        ("Путин встретился с президентом Египта ас-Сиси.", True),
        ("Путин провел совещание с членами Совбеза.", False),
        ("Президент РФС встретился с президентом клуба.", False),
        ("Премьер-министр Мишустин встретился с председателем КНР.", True),
        ("Путин и Моди обсудили в Кремле двустороннее сотрудничество.", True),
        ("Президент выступил на саммите молодежи.", False),
        ("Президент Франции прибыл в Москву с официальным визитом.", True),
        ("Генсек НАТО прибыл в Киев.", False),
        ("Путин и Трамп провели переговоры на полях саммита на Аляске.", True),
        ("Премьер-министр Индии Моди посетит Россию с официальным визитом в июле.", True),
        ("Глава МИД России Лавров встретился с госсекретарем США Рубио.", False),
        ("Альпинисты поднялись на вершину Эльбруса.", False),
    ],
    "uk": [
        ("Зеленський зустрівся з президентом Франції Макроном у Парижі.", True),
        ("Президент України прибув з офіційним візитом до Польщі.", True),
        ("Саміт НАТО відкрився у Вашингтоні.", True),
        ("Зеленський і Туск провели переговори у Варшаві.", True),
        ("Міністри закордонних справ ЄС зустрілися в Брюсселі.", False),
        ("Зеленський провів телефонну розмову з Макроном.", False),
        ("Зеленський провів нараду з військовими.", False),
        ("Зеленський прибув до Вашингтона для зустрічі з Трампом.", True),
        ("Зустріч Зеленського і Трампа відбулася в Білому домі.", True),
        ("Зеленський провів зустріч із прем'єр-міністром Великої Британії.", True),
        ("Президент України зустрівся з головою Верховної Ради.", False),
        ("Зеленський зустрівся з Трампом у Білому домі.", True),
        ("Президент Зеленський провів переговори з прем'єр-міністром Польщі Туском.", True),
        ("Зеленський прибув з візитом до Японії.", True),
        ("Зеленський провів телефонну розмову з Трампом.", False),
        ("Прем'єр-міністр Польщі прибув до Києва.", True),
        ("Президент України Зеленський прибув до Києва з фронту.", False),
        ("Зеленський зустрівся з Трампом на полях Генасамблеї ООН у Нью-Йорку.", True),
        ("Президент Франції Макрон прибув до Києва з візитом.", True),
        ("Зеленський і Макрон провели двосторонню зустріч у Парижі.", True),
        ("Лідери ЄС зберуться на саміт у Брюсселі наступного тижня.", True),
        ("Зеленський візьме участь у саміті НАТО в Гаазі.", True),
        ("Прем'єр-міністр Великої Британії Стармер зустрівся з Зеленським у Лондоні.", True),
        ("Зеленський прибув до Відня з офіційним візитом.", True),
        ("Міністр оборони України зустрівся з міністром оборони США.", False),
        ("Зеленський провів телефонну розмову з прем'єр-міністром Італії.", False),
        ("Альпіністи підкорили вершину Евересту.", False),
        ("Зеленський зустрівся з бізнесменами на інвестиційному саміті.", False),
    ],
    "it": [
        ("Meloni ha incontrato Trump alla Casa Bianca.", True),
        ("Il presidente Mattarella ha ricevuto al Quirinale il presidente tedesco.", True),
        ("Il vertice del G7 si apre in Puglia.", True),
        ("Il presidente cinese Xi Jinping è arrivato a Roma per una visita di Stato.", True),
        ("Bilaterale tra Meloni e Macron a margine del Consiglio europeo.", True),
        ("I ministri degli Esteri del G7 si sono riuniti a Capri.", False),
        ("Gli alpinisti hanno raggiunto la vetta del Cervino.", False),
        ("Meloni ha avuto un colloquio telefonico con Zelensky.", False),
        ("Meloni vola a Washington per incontrare Trump.", True),
        ("Mattarella in visita di Stato in Giappone.", True),
        ("La premier Meloni ha ricevuto a Palazzo Chigi il primo ministro indiano Modi.", True),
        ("Meloni è volata in Giappone per il vertice del G7.", True),
        ("Meloni ha incontrato i sindacati a Palazzo Chigi.", False),
        ("Il presidente della Regione ha incontrato il presidente della Provincia.", False),
        ("Il presidente del Consiglio ha incontrato il presidente francese.", True),
        ("Giorgia Meloni è stata ricevuta alla Casa Bianca dal presidente Trump.", True),
        (
            "Il presidente Mattarella ha incontrato il presidente tedesco Steinmeier.",
            True,
        ),
        ("Il presidente ha aperto il vertice sulla sanità con i medici di base.", False),
        ("Meloni: accolto il ricorso, il presidente Mattarella firma il decreto.", False),
        ("Meloni incontrerà Trump a margine del vertice Nato dell'Aia.", True),
        ("Il presidente Mattarella è arrivato a Tokyo per una visita di Stato.", True),
        ("Vertice Meloni-Macron a Roma: intesa sui migranti.", True),
        ("La premier ha avuto un bilaterale con il cancelliere tedesco Merz.", True),
        ("Il presidente del Consiglio è volato a Washington per incontrare Trump.", True),
        ("Il ministro degli Esteri Tajani ha incontrato il segretario di Stato Rubio.", False),
        ("Il presidente della Juventus ha incontrato il presidente della Figc.", False),
        ("Meloni ha partecipato al vertice di maggioranza a Palazzo Chigi.", False),
        ("Gli alpinisti sono arrivati in vetta al K2.", False),
        ("Il presidente di Confindustria ha incontrato la premier.", False),
    ],
    "pt": [
        ("Lula recebeu o presidente francês Emmanuel Macron em Brasília.", True),
        ("O presidente Lula se reuniu com Xi Jinping em Pequim.", True),
        ("A cúpula do Brics começa nesta terça-feira em Joanesburgo.", True),
        ("O primeiro-ministro português Luís Montenegro fez uma visita oficial ao Brasil.", True),
        ("Lula e Macron se reuniram em Belém.", True),
        ("Os ministros das Finanças do G20 se reuniram em São Paulo.", False),
        ("Lula conversou por telefone com Biden.", False),
        ("O alpinista chegou ao cume do Everest.", False),
        ("Lula viaja à China para visita de Estado.", True),
        ("Lula se encontra com Biden na Casa Branca.", True),
        ("O paciente se encontra em estado grave, disse o presidente do hospital.", False),
        ("Lula se reuniu com o presidente da França, Emmanuel Macron.", True),
        ("O presidente Lula desembarcou em Pequim para uma visita de Estado.", True),
        ("Lula se reuniu com governadores no Palácio do Planalto.", False),
        ("Os presidentes do Brasil e da Argentina se reuniram em Brasília.", True),
        ("O presidente do Flamengo se reuniu com o presidente da CBF.", False),
        ("Lula chega a Pequim para encontro com Xi Jinping.", True),
        ("Lula recebe Macron no Palácio do Planalto.", True),
        ("Lula e Milei se cumprimentam na cúpula do Mercosul.", True),
        ("O presidente participou da cúpula de empresários.", False),
        ("Lula foi recebido pelo presidente Macron no Eliseu.", True),
        ("Lula e Xi Jinping se reuniram à margem da cúpula do G20 no Rio.", True),
        ("O presidente Lula fará uma visita de Estado ao Japão em março.", True),
        ("Lula vai se encontrar com Trump na Malásia, informou o Planalto.", True),
        ("O primeiro-ministro português recebeu o presidente de Angola em São Bento.", True),
        ("Cimeira UE-China realiza-se em Pequim.", True),
        (
            "O ministro das Relações Exteriores, Mauro "
            "Vieira, reuniu-se com o secretário de Estado americano.",
            False,
        ),
        ("Alpinistas brasileiros chegam ao cume do Aconcágua.", False),
        ("Lula conversou por videoconferência com o presidente chinês.", False),
        ("A cúpula do PT se reuniu para discutir as eleições.", False),
        ("O presidente do Corinthians se reuniu com o presidente da Federação Paulista.", False),
    ],
    "tr": [
        ("Cumhurbaşkanı Erdoğan, Rusya Devlet Başkanı Putin ile görüştü.", True),
        ("Erdoğan, Macron'u Ankara'da kabul etti.", True),
        ("NATO Zirvesi Vilnius'ta başladı.", True),
        ("Cumhurbaşkanı Erdoğan resmi ziyaret için Almanya'ya gitti.", True),
        ("Erdoğan ile Putin Soçi'de bir araya geldi.", True),
        ("Dışişleri Bakanı Fidan, ABD'li mevkidaşı ile görüştü.", False),
        ("Dağcılar Everest'in zirvesine ulaştı.", False),
        ("Cumhurbaşkanı Erdoğan, Putin ile telefonda görüştü.", False),
        ("Cumhurbaşkanı Erdoğan, ABD Başkanı Trump ile bir araya geldi.", True),
        ("Erdoğan ile Putin arasındaki görüşme Soçi'de gerçekleşti.", True),
        ("Erdoğan, Azerbaycan Cumhurbaşkanı Aliyev'i Ankara'da resmi törenle karşıladı.", True),
        ("Erdoğan, Körfez ülkelerine resmi ziyaret gerçekleştirecek.", True),
        ("Erdoğan, AK Parti il başkanlarıyla bir araya geldi.", False),
        ("Fenerbahçe Başkanı, TFF Başkanı ile görüştü.", False),
        ("Erdoğan, Fransa Cumhurbaşkanı Macron'la Elysee Sarayı'nda görüştü.", True),
        ("Cumhurbaşkanı Erdoğan, Macar Başbakan Orban'ı Külliye'de ağırladı.", True),
        ("Erdoğan ve Putin, Astana'da ikili görüşme yaptı.", True),
        ("Cumhurbaşkanı Erdoğan, G20 Liderler Zirvesi için Brezilya'ya gitti.", True),
        ("Erdoğan, Beyaz Saray'da ABD Başkanı Trump tarafından karşılandı.", True),
        ("TBMM Başkanı Kurtulmuş, Azerbaycan Meclis Başkanı ile görüştü.", False),
        ("Cumhurbaşkanı Erdoğan, Bakanlar Kurulu toplantısına başkanlık etti.", False),
        ("İçişleri Bakanı, Yunan mevkidaşıyla görüştü.", False),
        ("Cumhurbaşkanı, Gençlik Zirvesi'nde konuştu.", False),
        ("Erdoğan, BM Genel Kurulu marjında ABD Başkanı Trump ile görüştü.", True),
        (
            "Cumhurbaşkanı Erdoğan, NATO Zirvesi marjında "
            "Yunanistan Başbakanı Miçotakis ile bir araya geldi.",
            True,
        ),
        ("Erdoğan ile Putin'in önümüzdeki ay Türkiye'de görüşmesi planlanıyor.", True),
        ("Cumhurbaşkanı Erdoğan, Japonya'ya resmi ziyaret gerçekleştirecek.", True),
        ("Türk Devletleri Teşkilatı Zirvesi Budapeşte'de yapıldı.", True),
        (
            "Cumhurbaşkanı Erdoğan ile Rusya Devlet Başkanı Vladimir Putin, Astana'da görüştü.",
            True,
        ),
        ("Cumhurbaşkanı Erdoğan, Almanya Başbakanı Merz'i Külliye'de kabul etti.", True),
        ("Erdoğan, Körfez turunun ilk durağı Katar'da Emir Al Sani ile görüştü.", True),
        ("Erdoğan, Trump ile Beyaz Saray'da görüşecek.", True),
        ("Cumhurbaşkanı Erdoğan, Macaristan'a resmi ziyarette bulundu.", True),
        ("Dışişleri Bakanı Hakan Fidan, Rus mevkidaşı Lavrov ile Moskova'da görüştü.", False),
        ("Cumhurbaşkanı Erdoğan, ABD Başkanı Trump ile telefonda görüştü.", False),
        ("Galatasaray, ligde zirveyi geri aldı.", False),
        ("Cumhurbaşkanı Erdoğan, TOBB Başkanı Hisarcıklıoğlu ile görüştü.", False),
        (
            "Cumhurbaşkanı Yardımcısı Cevdet Yılmaz, Azerbaycan Cumhurbaşkanı Aliyev ile görüştü.",
            False,
        ),
        (
            "Erdoğan, AK Parti Genel Başkanı olarak "
            "2002 yılında Beyaz Saray'da Bush ile görüşmüştü.",
            False,
        ),
        ("Dağcılar Ağrı Dağı'nın zirvesine ulaştı.", False),
        ("Cumhurbaşkanı Erdoğan, Türkiye-Afrika İş Zirvesi'nde konuştu.", False),
        ("CHP Genel Başkanı Özel, Almanya Başbakanı ile görüştü.", False),
        (
            "Bush ile Erdoğan'ın ilk kez baş başa görüştükleri gün. Bu "
            "görüşmeyle ilgili olarak pek çok kişi Başbakan Erdoğan'ı suçladı.",
            False,
        ),
    ],
    "ar": [
        ("استقبل الرئيس عبد الفتاح السيسي الرئيس الفرنسي إيمانويل ماكرون في القاهرة", True),
        ("انطلاق القمة العربية في الرياض بمشاركة القادة العرب", True),
        ("وصل الرئيس الصيني إلى الرياض في زيارة دولة", True),
        ("التقى ولي العهد السعودي الرئيس الأمريكي في الرياض", True),
        ("اجتمع وزراء الخارجية العرب في القاهرة", False),
        ("أجرى الرئيس اتصالا هاتفيا مع نظيره الفرنسي", False),
        ("الرئيس السيسي يلتقي نظيره الأمريكي في البيت الأبيض", True),
        ("بوتين يصل إلى بكين في زيارة رسمية", True),
        ("عقد الرئيس الأمريكي قمة مع نظيره الصيني", True),
        ("التقى الرئيس الروسي بوتين نظيره الصيني شي جين بينغ في موسكو", True),
        ("التقى الرئيس وفدا من رجال الأعمال", False),
        ("أجرى الرئيس السيسي مباحثات مع الرئيس الفرنسي في قصر الاتحادية", True),
        ("وصل الرئيس التركي رجب طيب أردوغان إلى الدوحة في زيارة رسمية", True),
        ("استقبل الملك عبد الله الثاني الرئيس الفلسطيني محمود عباس في عمان", True),
        ("استقبل الرئيس وزير الخارجية الأمريكي", False),
        ("قمة الرياض العربية الإسلامية تنطلق بمشاركة الزعماء", True),
        ("الأهلي والزمالك في قمة الدوري المصري بحضور رئيس النادي", False),
        ("الرئيس يستقبل رئيس مجلس النواب", False),
        ("رئيس الوزراء يلتقي وزير المالية", False),
        ("بحث الرئيس عبد الفتاح السيسي مع نظيره الأمريكي دونالد ترامب العلاقات الثنائية", True),
        ("وصل الرئيس الفرنسي إيمانويل ماكرون إلى القاهرة في زيارة تستغرق يومين", True),
        ("عقدت القمة الخليجية في الدوحة بمشاركة قادة دول مجلس التعاون", True),
        ("أمير قطر يستقبل الرئيس التركي في الدوحة", True),
        ("الملك عبدالله الثاني يلتقي الرئيس الأمريكي في البيت الأبيض", True),
        ("تلقى الرئيس اتصالا هاتفيا من نظيره الروسي", False),
        ("رئيس الوزراء يترأس اجتماع الحكومة الأسبوعي", False),
        ("الرئيس يستقبل وزير الدفاع ورئيس الأركان", False),
        ("قمة نارية بين الأهلي والزمالك في الدوري", False),
        ("استقبل رئيس مجلس النواب رئيس مجلس الشيوخ", False),
        ("وصل الرئيس إلى القاهرة عائدا من زيارة إلى الرياض", False),
        ("أمير الكويت يستقبل وزير الخارجية الأمريكي", False),
        ("على هامش قمة العشرين، التقى الرئيس التركي أردوغان نظيره الأمريكي", True),
        ("يبدأ الرئيس الصيني شي جين بينغ زيارة دولة إلى مصر الأسبوع المقبل", True),
        (
            "أعلنت الرئاسة أن الرئيس السيسي سيلتقي الرئيس الفرنسي ماكرون في باريس الشهر المقبل",
            True,
        ),
        ("وصل رئيس الوزراء الهندي ناريندرا مودي إلى أبوظبي في زيارة رسمية", True),
        ("يعقد قادة دول مجلس التعاون الخليجي قمتهم المقبلة في الكويت", True),
        ("استقبل الرئيس الأمريكي ولي العهد السعودي الأمير محمد بن سلمان في البيت الأبيض", True),
        ("وزير الخارجية السعودي يلتقي نظيره الأمريكي في واشنطن", False),
        ("أجرى ولي العهد اتصالا هاتفيا مع الرئيس الفرنسي", False),
        ("وصل المتسلقون إلى قمة جبل إيفرست", False),
        ("انطلقت قمة الأعمال العربية الصينية في الرياض بحضور الرئيس التنفيذي لشركة أرامكو", False),
        ("الرئيس يستقبل محافظ البنك المركزي", False),
    ],
    "zh": [
        ("习近平同美国总统拜登举行会晤。", True),
        ("国家主席习近平抵达莫斯科，开始对俄罗斯进行国事访问。", True),
        ("二十国集团领导人峰会在里约热内卢开幕。", True),
        ("李强总理与德国总理朔尔茨举行会谈。", True),
        ("外交部长王毅会见美国国务卿布林肯。", False),
        ("习近平同普京通电话。", False),
        ("登山队员成功登顶珠穆朗玛峰。", False),
        ("中美元首在旧金山会晤。", True),
        ("普京抵达北京进行国事访问。", True),
        ("习近平抵达哈萨克斯坦首都阿斯塔纳出席上合组织峰会。", True),
        ("习近平会见来华进行国事访问的巴西总统卢拉。", True),
        ("习近平主持召开中央政治局会议。", False),
        ("习近平同俄罗斯总统普京在克里姆林宫举行会谈。", True),
        ("李强抵达新德里出席二十国集团领导人峰会。", True),
        ("王毅同美国国务卿鲁比奥会谈。", False),
        ("习近平在人民大会堂会见越共中央总书记苏林。", True),
        ("李强会见美国商会代表团。", False),
        ("习近平主持召开中央全面深化改革委员会会议。", False),
        ("中国女排登顶世界杯。", False),
        ("企业家峰会在上海举行，市长出席并致辞。", False),
        ("王毅出席金砖国家外长会晤。", False),
        ("法国总统马克龙访华。", True),
        ("巴西总统卢拉抵达北京，开始对中国进行国事访问。", True),
        ("应习近平邀请，西班牙首相桑切斯来华访问。", True),
        ("美国国务卿访华。", False),
        ("习近平在北京人民大会堂同法国总统马克龙举行会谈。", True),
        ("李强出席东盟与中日韩领导人会议。", True),
        ("习近平将出席在秘鲁利马举行的亚太经合组织第三十一次领导人非正式会议。", True),
        ("中美元首将于下月在韩国釜山会晤。", True),
        ("习近平在APEC会议期间会见日本首相石破茂。", True),
        ("应国家主席习近平邀请，越南国家主席将于本月对中国进行国事访问。", True),
        ("普京总统将于今年晚些时候访华。", True),
        ("中国外长王毅与俄罗斯外长拉夫罗夫举行会谈。", False),
        ("习近平同法国总统马克龙通电话。", False),
        ("世界人工智能大会高峰论坛在上海开幕，数百名企业家和董事长出席。", False),
        ("李强主持召开国务院常务会议。", False),
        ("登山队成功登顶慕士塔格峰。", False),
        ("国务院副总理何立峰会见美国财政部长。", False),
        ("李强会见全球企业家代表。", False),
    ],
    "ja": [
        ("岸田首相はバイデン大統領とホワイトハウスで首脳会談を行った。", True),
        ("日韓首脳会談が東京で開かれた。", True),
        ("G7広島サミットが開幕した。", True),
        ("石破首相は中国の習近平国家主席と会談した。", True),
        ("上川外相はブリンケン国務長官と会談した。", False),
        ("登山家がエベレストの山頂に到達した。", False),
        ("高市首相が訪米し、トランプ大統領と会談した。", True),
        ("石破首相は韓国の李在明大統領と首脳会談を行った。", True),
        ("首相は全国知事会の会長と会談した。", False),
        ("石破首相は訪問先のワシントンでトランプ大統領と会談した。", True),
        ("岸田首相はASEAN首脳会議に出席した。", True),
        ("林官房長官は記者会見で首脳会談について説明した。", True),
        ("日中首脳会談が北京で行われた。", True),
        ("石破首相は経団連会長と会談した。", False),
        ("トランプ大統領が来日し、高市首相と会談した。", True),
        ("フランスのマクロン大統領が来日した。", True),
        ("首相は来日中の米国務長官と会談した。", False),
        ("石破首相は訪問先のニューデリーでモディ首相と会談した。", True),
        (
            "高市首相は中国の習近平国家主席とAPEC首脳会議に合わせて会談する方向で調整している。",
            True,
        ),
        ("天皇陛下は国賓として来日したフランスのマクロン大統領と会見された。", True),
        ("日米首脳会談は来月ワシントンで開かれる予定だ。", True),
        ("岸田首相はG7サミットの合間にバイデン大統領と会談した。", True),
        ("トランプ米大統領は来月、中国を訪問し習近平国家主席と会談する。", True),
        ("石破茂首相は、韓国の李在明大統領と東京で会談した。", True),
        ("茂木外相は王毅外相と会談した。", False),
        ("首相はトランプ大統領と電話会談を行った。", False),
        ("トヨタの社長は首相と面会した。", False),
        ("登山隊が富士山の山頂に到達した。", False),
        ("首相は連合の会長と会談した。", False),
        ("赤沢経済再生相はラトニック米商務長官と会談した。", False),
        ("首相は公明党の代表と会談した。", False),
    ],
    "ko": [
        ("윤석열 대통령과 기시다 총리가 정상회담을 가졌다.", True),
        ("한미 정상회담이 워싱턴에서 열렸다.", True),
        ("G7 정상회의가 히로시마에서 개막했다.", True),
        ("이재명 대통령은 시진핑 주석과 회담했다.", True),
        ("한일 외교장관 회담이 서울에서 열렸다.", False),
        ("윤석열 대통령은 바이든 대통령과 전화 통화를 했다.", False),
        ("한중 정상회담이 경주에서 열렸다.", True),
        ("이재명 대통령은 시진핑 국가주석과 정상회담을 했다.", True),
        ("이재명 대통령은 여야 대표와 회동했다.", False),
        ("윤석열 대통령이 국빈 방문으로 미국을 찾았다.", True),
        ("이재명 대통령은 APEC 정상회의에 참석했다.", True),
        ("외교부 장관은 미국 국무장관과 회담했다.", False),
        ("윤 대통령은 국무회의를 주재했다.", False),
        ("한일 정상은 도쿄에서 만나 협력을 논의했다.", True),
        ("대통령은 재계 총수들과 오찬 회동을 했다.", False),
        ("양국 정상은 전화 통화를 했다.", False),
        ("한일 정상적인 관계 회복을 위해 장관들이 만났다.", False),
        ("트럼프 대통령이 방한해 이재명 대통령과 회담했다.", True),
        ("이재명 대통령은 APEC 정상회의를 계기로 시진핑 주석과 양자회담을 가졌다.", True),
        ("윤석열 대통령은 G7 정상회의 계기에 기시다 총리와 회담했다.", True),
        ("이재명 대통령이 다음 달 일본을 방문해 이시바 총리와 정상회담을 할 예정이다.", True),
        ("트럼프 미국 대통령이 국빈 방문을 위해 방한했다.", True),
        ("한중 정상회담이 다음 달 경주에서 열릴 예정이다.", True),
        ("조현 외교부 장관은 왕이 외교부장과 회담했다.", False),
        ("삼성전자 사장은 총리를 만나 투자 계획을 설명했다.", False),
        ("등반대가 에베레스트 정상에 올랐다.", False),
        ("한미 재계회의가 서울에서 열렸다.", False),
        ("이재명 대통령은 여야 대표와 영수회담을 했다.", False),
    ],
}

WARRANT_CASES: dict[str, list[tuple[str, bool]]] = {
    "en": [
        ("The International Criminal Court issued an arrest warrant for Vladimir Putin.", True),
        ("Interpol issued a red notice for the fugitive businessman.", True),
        ("A court in Istanbul ordered the arrest of the city's mayor.", True),
        ("Police have issued a warrant for the arrest of a 32-year-old man.", True),
        ("A judge signed a warrant for her arrest after she failed to appear in court.", True),
        ("The former minister was placed on the wanted list.", True),
        ("Russia put the Estonian prime minister on its wanted list.", True),
        ("A Moscow court ordered the arrest in absentia of the journalist.", True),
        ("The ICC judges approved warrants for two Taliban leaders.", True),
        ("He was arrested on a European arrest warrant issued by Germany.", True),
        ("Police obtained a search warrant for his home.", False),
        ("The company said 5 million warrants were issued to investors.", False),
        ("The company has 10 million outstanding warrants to purchase common shares.", False),
        ("Chief Warrant Officer John Smith was killed in the crash.", False),
        ("Police arrested three men after the robbery.", False),
        ("Protesters demanded the arrest of the officer.", False),
        ("He was the most wanted player of the transfer window.", False),
        ("The evidence does not warrant an arrest, the police said.", False),
        ("The suspect was extradited to the United States on Friday.", False),
        ("Court approves warrant to detain impeached President Yoon.", True),
        ("Police are hunting a man wanted on a warrant for assault.", True),
        ("Bangladesh court orders arrest of Sheikh Hasina.", True),
        ("Pakistani court issues non-bailable arrest warrants for Imran Khan.", True),
        ("The judge ordered the company to pay damages.", False),
        ("Police executed a search warrant at the property.", False),
        ("Police said the suspect is wanted for questioning.", False),
        ("The judge ordered him detained pending trial.", True),
        ("The court ordered the release of those detained.", False),
        ("Netanyahu, who is wanted by the International Criminal Court, flew to Budapest.", True),
        ("A Seoul court approved a request to detain Yoon.", True),
        ("Parliament voted to lift his immunity, allowing prosecutors to arrest him.", True),
        ("Police arrested him after a tip-off.", False),
        ("The company issued a warrant for each share.", False),
        ("Arrest of the suspect was ordered by the court.", True),
        ("The judge issued an order for the detention of the suspect.", True),
        ("The court granted bail.", False),
        ("A warrant for the arrest of the former president was issued on Friday.", True),
        ("Interpol lifted the red notice against him.", True),
        ("The company cut prices in order to capture market share.", False),
        ("He fled the country in order to avoid arrest.", False),
        ("The court issued an order for the arrest of the mayor.", True),
        ("The striker tops the club's most wanted list in the transfer window.", False),
        ("A court in Seoul issued a warrant to detain President Yoon Suk Yeol.", True),
        ("Interpol has issued a wanted notice for the former minister.", True),
        ("A bench warrant was issued after he skipped court.", True),
        ("The suspect turned himself in after police issued a warrant.", True),
        ("Prosecutors charged him and a judge set bail at $1 million.", False),
    ],
    "es": [
        ("Un juez dictó una orden de detención contra el exministro.", True),
        ("La jueza ordenó la detención del alcalde por corrupción.", True),
        ("La Fiscalía emitió una orden de captura contra el expresidente.", True),
        ("Interpol emitió una notificación roja contra el empresario.", True),
        ("La CPI emite una orden de arresto contra Netanyahu.", True),
        ("El juez decretó prisión provisional sin fianza para el detenido.", True),
        ("La policía detuvo a tres personas tras el robo.", False),
        ("Los manifestantes exigieron la detención del policía.", False),
        ("El juez ordenó el registro de la vivienda.", False),
        ("Un juez ordena la captura internacional del exgobernador.", True),
        ("El juez giró orden de aprehensión en su contra.", True),
        ("Tiene ficha roja de Interpol.", True),
        ("El juez dictó una orden de alejamiento.", False),
        ("La jueza emitió un pedido de captura internacional contra el exfuncionario.", True),
        ("Un tribunal de Estambul ordenó prisión preventiva para el alcalde Imamoglu.", True),
        ("El Tribunal Supremo rechazó la orden de detención contra Puigdemont.", True),
        ("El Gobierno ordenó la detención de las obras del puerto.", False),
        ("El árbitro ordenó la detención del partido.", False),
        ("Orden de detención contra el exministro.", True),
        ("Un tribunal de Bangladesh emite una orden de arresto contra Hasina.", True),
        ("La Fiscalía pidió prisión provisional para el detenido.", True),
        ("China y Rusia defienden un nuevo orden internacional multipolar.", False),
        ("La justicia libró una orden internacional de captura.", True),
    ],
    "fr": [
        (
            "La justice a émis un mandat d'arrêt international contre l'homme d'affaires.",
            True,
        ),
        ("La CPI a émis un mandat d'arrêt contre Vladimir Poutine.", True),
        ("Il fait l'objet d'une notice rouge d'Interpol.", True),
        ("Le juge a ordonné l'arrestation de l'opposant.", True),
        ("Un mandat d'arrêt a été délivré contre le rappeur.", True),
        ("Les policiers ont interpellé deux suspects.", False),
        ("Les enquêteurs ont mené une perquisition au domicile du suspect.", False),
        ("Les manifestants réclament l'arrestation du policier.", False),
        ("Il est recherché par Interpol.", True),
        ("Le suspect a été arrêté mardi.", False),
        (
            "Le parquet a obtenu la levée de l'immunité du député pour procéder à son arrestation.",
            True,
        ),
        (
            "Les secours ont retrouvé les deux personnes recherchées depuis dimanche en montagne.",
            False,
        ),
        ("Il figure sur le fichier des personnes recherchées.", True),
        ("Le joueur est le plus recherché du mercato.", False),
    ],
    "de": [
        ("Das Amtsgericht erließ Haftbefehl gegen den Tatverdächtigen.", True),
        (
            "Der Internationale Strafgerichtshof hat einen Haftbefehl gegen Netanjahu erlassen.",
            True,
        ),
        ("Der Verdächtige wird international zur Fahndung ausgeschrieben.", True),
        ("Ein Richter ordnete Untersuchungshaft an.", True),
        ("Die Polizei nahm zwei Männer fest.", False),
        ("Die Ermittler vollstreckten einen Durchsuchungsbeschluss.", False),
        ("Der Rapper Haftbefehl veröffentlicht ein neues Album.", False),
        ("Die Staatsanwaltschaft beantragte Haftbefehl.", True),
        ("Die Fahndung nach dem Täter läuft.", False),
        (
            "Der Bundestag hob die Immunität des Abgeordneten für seine Festnahme auf.",
            True,
        ),
        ("Die Polizei hat den Tatverdächtigen vorläufig festgenommen.", False),
        ("Der Haftbefehl gegen den Verdächtigen wurde außer Vollzug gesetzt.", True),
        (
            "Die Polizei leitete eine internationale Fahndung nach dem vermissten Mädchen ein.",
            False,
        ),
    ],
    "ru": [
        ("Суд заочно арестовал журналиста.", True),
        ("МУС выдал ордер на арест Путина.", True),
        ("МВД объявило в розыск бывшего министра.", True),
        ("Суд санкционировал арест бизнесмена.", True),
        ("Басманный суд арестовал бывшего замминистра обороны.", True),
        ("Полиция задержала подозреваемого.", False),
        ("Суд арестовал имущество компании.", False),
        ("Волонтеры объявили поиски пропавшего ребенка.", False),
        ("В отношении него избрана мера пресечения в виде заключения под стражу.", True),
        ("Суд оштрафовал блогера.", False),
        ("Суд избрал меру пресечения в виде домашнего ареста.", True),
        ("Суд приговорил его к пяти годам колонии.", False),
        ("Суд заочно приговорил его к восьми годам.", False),
        ("Прокуратура попросила суд арестовать бизнесмена.", True),
        ("Пропавшую машину объявили в розыск.", False),
    ],
    "uk": [
        ("Суд заочно заарештував колишнього депутата.", True),
        ("Колишнього міністра оголошено в розшук.", True),
        ("МКС видав ордер на арешт Путіна.", True),
        ("Суд обрав запобіжний захід у вигляді тримання під вартою.", True),
        ("Поліція затримала підозрюваного.", False),
        ("Поліція розшукує зниклу дитину.", False),
        ("ВАКС обрав запобіжний захід у вигляді тримання під вартою.", True),
        ("Суд обрав запобіжний захід у вигляді цілодобового домашнього арешту.", True),
        ("ДБР оголосило підозру колишньому судді.", False),
        ("Колишнього нардепа оголошено в міжнародний розшук.", True),
    ],
    "it": [
        ("Il gip ha emesso un mandato di arresto europeo.", True),
        ("La Corte penale internazionale ha emesso un mandato d'arresto per Netanyahu.", True),
        ("Il giudice ha disposto l'arresto del sindaco.", True),
        ("Eseguita un'ordinanza di custodia cautelare nei confronti di dieci persone.", True),
        ("I carabinieri hanno arrestato tre persone.", False),
        ("La procura ha disposto il sequestro dei beni.", False),
        ("Mandato di cattura internazionale per l'ex ministro.", True),
        ("Il Riesame ha confermato la custodia cautelare in carcere.", True),
        ("La Cassazione ha annullato l'ordinanza di custodia cautelare.", True),
        ("Il tribunale ha convalidato il fermo e disposto la custodia cautelare in carcere.", True),
    ],
    "pt": [
        ("O STF decretou a prisão preventiva do ex-presidente.", True),
        ("O juiz expediu mandado de prisão contra o empresário.", True),
        ("O nome foi incluído na difusão vermelha da Interpol.", True),
        ("A polícia cumpriu mandados de prisão contra os suspeitos.", True),
        ("A polícia cumpriu mandados de busca e apreensão.", False),
        ("A polícia prendeu três suspeitos em flagrante.", False),
        ("Polícia Federal cumpre mandados de prisão preventiva.", True),
        ("La PGR pediu a prisão do ex-ministro ao STF.", True),
        ("Moraes mandou prender o ex-assessor.", True),
        ("Manifestantes pedem a prisão do ex-presidente.", False),
        ("O juiz decretou a prisão preventiva do suspeito.", True),
        ("A polícia prendeu o suspeito em flagrante.", False),
    ],
    "tr": [
        ("Mahkeme, eski belediye başkanı hakkında yakalama kararı çıkardı.", True),
        ("Kırmızı bültenle aranan şüpheli yakalandı.", True),
        ("Savcılık 20 kişi hakkında gözaltı kararı verdi.", True),
        ("Sulh ceza hakimliği şüphelinin tutuklanmasına karar verdi.", True),
        ("Şüpheli, tutuklama talebiyle mahkemeye sevk edildi.", True),
        ("Polis şüpheliyi gözaltına aldı.", False),
        ("Mahkeme, sanığın tahliyesine karar verdi.", False),
        ("Eski bakan hakkında kırmızı bültenle yakalama kararı çıkarıldı.", True),
        ("İstanbul Cumhuriyet Başsavcılığı, belediye başkanı hakkında gözaltı kararı verdi.", True),
        ("Polis, 12 şüpheliyi gözaltına aldı.", False),
        ("Mahkeme, gazeteci hakkında yakalama kararı çıkardı.", True),
        ("Savcılık, 35 şüpheli hakkında gözaltı kararı verdi.", True),
        ("Eski bakan Interpol tarafından kırmızı bültenle aranıyor.", True),
        ("Polis, kaçak göçmenleri yakaladı.", False),
        ("Yargıtay, eski vekilin tutuklanmasına hükmetti.", True),
        ("Mahkeme, sanık hakkında yakalama kararı verdi.", True),
        ("Sanık tutuklu yargılanıyor.", False),
    ],
    "ar": [
        ("أصدرت المحكمة الجنائية الدولية مذكرة اعتقال بحق نتنياهو", True),
        ("أصدر النائب العام أمرا بالقبض على رجل الأعمال", True),
        ("أصدر الإنتربول نشرة حمراء بحق المتهم", True),
        ("ألقت الشرطة القبض على ثلاثة أشخاص", False),
        ("أصدرت المحكمة قرارا بتفتيش المنزل", False),
        ("صدرت بحقه مذكرة توقيف دولية", True),
        ("النيابة العامة تأمر بحبس المتهم أربعة أيام على ذمة التحقيق", True),
        ("أمرت النيابة العامة بضبط وإحضار المتهم", True),
        ("ألقت قوات الأمن القبض على المتهم", False),
        ("محكمة تصدر مذكرة توقيف بحق الرئيس السابق", True),
        ("الجنائية الدولية تصدر مذكرتي اعتقال بحق نتنياهو وغالانت", True),
        ("أمر النائب العام بضبط وإحضار المتهمين", True),
        ("القبض على متهم بسرقة هاتف", False),
        ("المحكمة تقضي بسجن المتهم ثلاث سنوات", False),
        ("صدر أمر قبض بحق المتهم الهارب", True),
        ("أصدرت النيابة العامة قرارا بضبط وإحضار المتهم", True),
        ("أصدر قاضي التحقيق مذكرة توقيف غيابية بحق الوزير السابق", True),
        ("أدرج اسمه على قوائم ترقب الوصول", True),
        ("ألقت الشرطة القبض على المتهم متلبسا", False),
        ("قضت المحكمة بإخلاء سبيل المتهم بكفالة", False),
    ],
    "zh": [
        ("国际刑事法院对普京发出逮捕令。", True),
        ("警方对嫌犯发布通缉令。", True),
        ("检察院依法批准逮捕犯罪嫌疑人。", True),
        ("警方抓获三名嫌疑人。", False),
        ("警方对住所进行了搜查。", False),
        ("公安机关对其发布A级通缉令。", True),
        ("警方以涉嫌诈骗将其刑事拘留。", False),
        ("警方对其执行逮捕。", True),
        (
            "第一条 为规范执法，制定本法。第二条 本法适用于全国。第三条 公安机关可以发布通缉令。",
            False,
        ),
        ("法院对被告人签发逮捕令。", True),
        ("检方以涉嫌受贿罪对其依法决定逮捕。", True),
        ("公安部发布A级通缉令，公开通缉10名逃犯。", True),
        ("警方依法刑事拘留三名嫌疑人。", False),
        ("警方发布悬赏通告，缉拿在逃嫌犯。", True),
    ],
    "ja": [
        ("東京地検特捜部は元社長の逮捕状を取った。", True),
        ("警察は容疑者を指名手配した。", True),
        ("国際刑事裁判所はプーチン大統領に逮捕状を出した。", True),
        ("警察は男を現行犯逮捕した。", False),
        ("警察は家宅捜索を行った。", False),
        ("地検は逮捕状を請求した。", True),
        ("国会は議員の逮捕許諾を議決した。", True),
        ("東京地検特捜部は、元議員を逮捕した。", False),
        ("警視庁は男の逮捕状を取り、行方を追っている。", True),
        ("国際刑事裁判所（ICC）はネタニヤフ首相に逮捕状を出した。", True),
        ("東京地裁は保釈を認めた。", False),
    ],
    "ko": [
        ("법원은 윤석열 전 대통령에 대해 체포영장을 발부했다.", True),
        ("검찰은 피의자에 대해 구속영장을 청구했다.", True),
        ("경찰은 용의자를 현행범으로 체포했다.", False),
        ("경찰은 압수수색 영장을 집행했다.", False),
        ("공수처는 윤 대통령에 대한 체포영장을 집행했다.", True),
        ("국회는 의원에 대한 체포동의안을 가결했다.", True),
        ("경찰은 그에 대해 체포영장을 신청했다.", True),
        ("법원은 전 대통령에 대한 구속영장을 발부했다.", True),
        ("인터폴에 적색수배를 요청했다.", True),
        ("경찰은 현장에서 그를 체포했다.", False),
        ("지명수배 전단이 배포됐다.", True),
        ("공무원 체포 훈련이 실시됐다.", False),
    ],
    "pl": [
        ("Sąd wydał nakaz aresztowania byłego ministra.", True),
        ("Ukraińska prokuratura wystawiła list gończy.", True),
        ("Policja zatrzymała podejrzanego po pościgu.", False),
    ],
}

CASES = [
    (topic, language, text, expected)
    for topic, table in ((SUMMITS, SUMMIT_CASES), (WARRANTS, WARRANT_CASES))
    for language, cases in table.items()
    for text, expected in cases
]


@pytest.mark.parametrize(("topic", "language", "text", "expected"), CASES)
def test_the_pack_reads_the_wire_copy_of_each_language(
    topic: str, language: str, text: str, expected: bool
) -> None:
    assert (topic in found("", text)) is expected, language


def test_every_language_has_positives_and_near_misses_for_both_topics() -> None:
    for table in (SUMMIT_CASES, WARRANT_CASES):
        assert set(REQUIRED) <= set(table)
        for language, cases in table.items():
            assert {expected for _, expected in cases} == {True, False}, language


# whole paragraphs in the manner of a wire story: the topics each must raise, no other
PARAGRAPHS: list[tuple[str, set[str]]] = [
    (
        (
            "Shares of Acme rose 4% after the company said it would redeem its outstanding "
            "warrants. The president of the company, Jane Doe, said the board met on Monday and "
            "approved the plan. Analysts welcomed the move."
        ),
        set(),
    ),
    (
        (
            "Liverpool stayed top after a 2-1 win in the summit clash at Anfield. The club's "
            "president met the coach after the match. Fans celebrated in the streets."
        ),
        set(),
    ),
    (
        (
            "The mayor met the governor on Tuesday to discuss flood relief. The president of the "
            "county board welcomed the state funds. Officials said work would start next week."
        ),
        set(),
    ),
    (
        (
            "Police arrested a 25-year-old man on Friday after a chase. He was charged with theft"
            " and released on bail. The court ordered him to stay away from the store."
        ),
        set(),
    ),
    (
        (
            "The prime minister chaired a cabinet meeting on Wednesday. Ministers discussed the "
            "budget summit with opposition leaders planned for next month. The president signed "
            "two bills."
        ),
        set(),
    ),
    (
        (
            "The king met the prime minister at the palace for their weekly audience. The prime "
            "minister later met business leaders. The king is due to travel to Scotland."
        ),
        set(),
    ),
    (
        (
            "The president of the Olympic Committee met the sports minister. The national team "
            "will travel to Paris. The federation president said funding would rise."
        ),
        set(),
    ),
    (
        (
            "Former President Obama met Prime Minister Trudeau in Ottawa. Obama, who left office "
            "in 2017, spoke about climate change. The two men had lunch."
        ),
        set(),
    ),
    (
        "The judge denied the request for an arrest warrant, saying the evidence was thin.",
        {WARRANTS},
    ),
    (
        (
            "The president of Ukraine met the president of Poland in Warsaw to discuss grain "
            "exports."
        ),
        {SUMMITS},
    ),
    (
        (
            "El Real Madrid se mantiene en la cumbre de la Liga tras ganar al Barcelona. El "
            "presidente del club, Florentino Pérez, se reunió con el presidente de la Federación."
            " La afición celebró en Cibeles."
        ),
        set(),
    ),
    (
        (
            "La Guardia Civil detuvo a tres personas por el robo. El juez las dejó en libertad "
            "con cargos. La investigación sigue abierta."
        ),
        set(),
    ),
    (
        (
            "El presidente del Gobierno recibió en la Moncloa al presidente de Colombia, Gustavo "
            "Petro. Ambos firmaron acuerdos de cooperación."
        ),
        {SUMMITS},
    ),
    (
        (
            "Le président du Sénat a reçu le président de l'Assemblée nationale. Ils ont évoqué "
            "le budget. Le gouvernement présentera son texte mardi."
        ),
        set(),
    ),
    (
        (
            "Les gendarmes ont interpellé deux suspects. Ils ont été placés en garde à vue puis "
            "relâchés. L'enquête se poursuit."
        ),
        set(),
    ),
    (
        (
            "Der Bundeskanzler traf sich mit den Ministerpräsidenten der Länder zum "
            "Flüchtlingsgipfel. Der Bundespräsident äußerte sich nicht."
        ),
        set(),
    ),
    (
        ("Die Polizei nahm den Verdächtigen fest. Ein Richter erließ Haftbefehl wegen Mordes."),
        {WARRANTS},
    ),
    (
        (
            "Президент РФ провел совещание с членами правительства. Председатель Госдумы "
            "встретился с губернаторами."
        ),
        set(),
    ),
    (
        ("Полиция задержала подозреваемого. Суд отпустил его под подписку о невыезде."),
        set(),
    ),
    (
        (
            "Cumhurbaşkanı Erdoğan, AK Parti Grup Toplantısı'nda konuştu. TBMM Başkanı, "
            "milletvekilleriyle bir araya geldi."
        ),
        set(),
    ),
    (
        (
            "Galatasaray, zirve yarışında Fenerbahçe'yi yendi. Kulüp Başkanı, Cumhurbaşkanı'nın "
            "tebriklerini iletti."
        ),
        set(),
    ),
    (
        (
            "Polis, hırsızlık şüphelisini gözaltına aldı. Şüpheli, adli kontrol şartıyla serbest "
            "bırakıldı."
        ),
        set(),
    ),
    (
        (
            "Il premier ha presieduto il Consiglio dei ministri. Il presidente della Repubblica "
            "ha firmato il decreto."
        ),
        set(),
    ),
    (
        (
            "O presidente Lula participou de reunião ministerial no Planalto. O presidente da "
            "Câmara recebeu líderes partidários."
        ),
        set(),
    ),
]


@pytest.mark.parametrize(("text", "topics"), PARAGRAPHS)
def test_a_paragraph_raises_only_the_topics_it_reports(text: str, topics: set[str]) -> None:
    assert found("", text) & {SUMMITS, WARRANTS} == topics
