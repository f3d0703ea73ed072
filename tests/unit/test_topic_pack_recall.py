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
    ],
    "ja": [
        ("岸田首相はバイデン大統領とホワイトハウスで首脳会談を行った。", True),
        ("日韓首脳会談が東京で開かれた。", True),
        ("G7広島サミットが開幕した。", True),
        ("石破首相は中国の習近平国家主席と会談した。", True),
        ("上川外相はブリンケン国務長官と会談した。", False),
        ("登山家がエベレストの山頂に到達した。", False),
        ("高市首相が訪米し、トランプ大統領と会談した。", True),
    ],
    "ko": [
        ("윤석열 대통령과 기시다 총리가 정상회담을 가졌다.", True),
        ("한미 정상회담이 워싱턴에서 열렸다.", True),
        ("G7 정상회의가 히로시마에서 개막했다.", True),
        ("이재명 대통령은 시진핑 주석과 회담했다.", True),
        ("한일 외교장관 회담이 서울에서 열렸다.", False),
        ("윤석열 대통령은 바이든 대통령과 전화 통화를 했다.", False),
        ("한중 정상회담이 경주에서 열렸다.", True),
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
    ],
    "uk": [
        ("Суд заочно заарештував колишнього депутата.", True),
        ("Колишнього міністра оголошено в розшук.", True),
        ("МКС видав ордер на арешт Путіна.", True),
        ("Суд обрав запобіжний захід у вигляді тримання під вартою.", True),
        ("Поліція затримала підозрюваного.", False),
        ("Поліція розшукує зниклу дитину.", False),
    ],
    "it": [
        ("Il gip ha emesso un mandato di arresto europeo.", True),
        ("La Corte penale internazionale ha emesso un mandato d'arresto per Netanyahu.", True),
        ("Il giudice ha disposto l'arresto del sindaco.", True),
        ("Eseguita un'ordinanza di custodia cautelare nei confronti di dieci persone.", True),
        ("I carabinieri hanno arrestato tre persone.", False),
        ("La procura ha disposto il sequestro dei beni.", False),
        ("Mandato di cattura internazionale per l'ex ministro.", True),
    ],
    "pt": [
        ("O STF decretou a prisão preventiva do ex-presidente.", True),
        ("O juiz expediu mandado de prisão contra o empresário.", True),
        ("O nome foi incluído na difusão vermelha da Interpol.", True),
        ("A polícia cumpriu mandados de prisão contra os suspeitos.", True),
        ("A polícia cumpriu mandados de busca e apreensão.", False),
        ("A polícia prendeu três suspeitos em flagrante.", False),
        ("Polícia Federal cumpre mandados de prisão preventiva.", True),
    ],
    "tr": [
        ("Mahkeme, eski belediye başkanı hakkında yakalama kararı çıkardı.", True),
        ("Kırmızı bültenle aranan şüpheli yakalandı.", True),
        ("Savcılık 20 kişi hakkında gözaltı kararı verdi.", True),
        ("Sulh ceza hakimliği şüphelinin tutuklanmasına karar verdi.", True),
        ("Şüpheli, tutuklama talebiyle mahkemeye sevk edildi.", True),
        ("Polis şüpheliyi gözaltına aldı.", False),
        ("Mahkeme, sanığın tahliyesine karar verdi.", False),
    ],
    "ar": [
        ("أصدرت المحكمة الجنائية الدولية مذكرة اعتقال بحق نتنياهو", True),
        ("أصدر النائب العام أمرا بالقبض على رجل الأعمال", True),
        ("أصدر الإنتربول نشرة حمراء بحق المتهم", True),
        ("ألقت الشرطة القبض على ثلاثة أشخاص", False),
        ("أصدرت المحكمة قرارا بتفتيش المنزل", False),
        ("صدرت بحقه مذكرة توقيف دولية", True),
        ("النيابة العامة تأمر بحبس المتهم أربعة أيام على ذمة التحقيق", True),
    ],
    "zh": [
        ("国际刑事法院对普京发出逮捕令。", True),
        ("警方对嫌犯发布通缉令。", True),
        ("检察院依法批准逮捕犯罪嫌疑人。", True),
        ("警方抓获三名嫌疑人。", False),
        ("警方对住所进行了搜查。", False),
        ("公安机关对其发布A级通缉令。", True),
        ("警方以涉嫌诈骗将其刑事拘留。", False),
    ],
    "ja": [
        ("東京地検特捜部は元社長の逮捕状を取った。", True),
        ("警察は容疑者を指名手配した。", True),
        ("国際刑事裁判所はプーチン大統領に逮捕状を出した。", True),
        ("警察は男を現行犯逮捕した。", False),
        ("警察は家宅捜索を行った。", False),
        ("地検は逮捕状を請求した。", True),
    ],
    "ko": [
        ("법원은 윤석열 전 대통령에 대해 체포영장을 발부했다.", True),
        ("검찰은 피의자에 대해 구속영장을 청구했다.", True),
        ("경찰은 용의자를 현행범으로 체포했다.", False),
        ("경찰은 압수수색 영장을 집행했다.", False),
        ("공수처는 윤 대통령에 대한 체포영장을 집행했다.", True),
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
