"""The arms-deliveries pack topic on batteries of sentences written from the definitions
(/work/shared/topics.md, arms_delivery) in the phrasing of wire copy, one battery per language
(issue 8): the common ways a transfer is reported (delivers, supplies, sends, sells, donates; an
aid package; an approved sale or a signed contract; a first batch arrived; a request, a halt, a
refusal, an embargo; covert transfers; co-production abroad) and the near misses the definitions
exclude (domestic procurement, deployment, test firing, use, seizures, arms control, descriptors,
private guns, limbs, oil and water tanks).

None of the sentences is taken from a labelled document; the figures on real documents come from
`make eval ARGS=topics` (eval/topics.py).
"""

from __future__ import annotations

import functools

import pytest

from newswatch.core.query import MatchDocument, TopicMatcher, TopicSpec
from newswatch.topics import load_pack

ARMS = "arms-deliveries"


@functools.cache
def pack_matcher() -> TopicMatcher:
    return TopicMatcher(TopicSpec(t.name, t.compiled) for t in load_pack().values())


def found(text: str) -> bool:
    return ARMS in {m.topic for m in pack_matcher().match(MatchDocument.build(text=text))}


# language -> (sentence, whether the topic must match it)
BATTERIES: dict[str, list[tuple[str, bool]]] = {
    # English: transfers as wire copy reports them, and the near misses
    "en": [
        ("US to send Ukraine $2 billion in new weapons, including Patriot interceptors", True),
        ("Germany delivers first Leopard 2 tanks to Ukraine", True),
        ("Pentagon announces new military aid package for Ukraine worth $400 million", True),
        ("The Netherlands has delivered the first F-16 fighter jets to Ukraine, Kyiv said.", True),
        ("First batch of F-16s arrives in Ukraine", True),
        ("Biden approves sale of F-16 jets to Turkey after Sweden NATO vote", True),
        ("The State Department approved a possible sale of 400 Tomahawk missiles to Japan.", True),
        ("Turkey signs deal to buy 40 Eurofighter Typhoon jets from Britain", True),
        ("Indonesia signs contract for 42 Rafale fighter jets", True),
        ("Egypt signed a contract with France to buy 30 more Rafale jets.", True),
        ("Germany halts arms exports to Israel over Gaza offensive", True),
        ("Britain suspends 30 arms export licences to Israel", True),
        ("Canada freezes arms sales to Saudi Arabia", True),
        ("Iran shipped hundreds of ballistic missiles to Russia, US officials say", True),
        ("North Korea has sent more than a million artillery shells to Russia, Seoul says", True),
        ("Iran has supplied Russia with Shahed drones used to attack Ukrainian cities.", True),
        ("Iranian drones supplied to Russia were used against Ukraine's power grid.", True),
        ("The UN imposed an arms embargo on South Sudan.", True),
        ("The EU extended its arms embargo on Russia.", True),
        (
            "Washington is considering whether to provide Ukraine with long-range ATACMS missiles.",
            True,
        ),
        ("Zelensky asked allies for more air defence systems, including Patriots.", True),
        ("Ukraine asks Germany for Taurus cruise missiles", True),
        ("South Korea to sell K2 tanks and K9 howitzers to Poland in $5.8 billion deal", True),
        ("Poland signs $6 billion deal for South Korean K2 tanks", True),
        ("Australia will donate 49 Abrams tanks to Ukraine.", True),
        ("Sweden will send CV90 infantry fighting vehicles to Ukraine.", True),
        ("France will supply Ukraine with Mirage 2000 fighter jets, Macron said.", True),
        ("The US will transfer seized Iranian weapons to Ukraine.", True),
        ("Russia delivered S-400 missile systems to India ahead of schedule.", True),
        ("China is supplying Russia with drone components and weapons parts, NATO says.", True),
        ("Moscow accused Washington of arming Ukraine.", True),
        ("The United States has approved a $1.1 billion arms package for Taiwan.", True),
        ("Hungary blocked EU funding for weapons for Ukraine.", True),
        ("Rheinmetall will build an ammunition plant in Ukraine.", True),
        (
            "Turkish drone maker Baykar will build a factory in Ukraine to produce "
            "Bayraktar drones.",
            True,
        ),
        ("Washington paused a shipment of 2,000-pound bombs to Israel.", True),
        ("The US resumed the delivery of 500-pound bombs to Israel.", True),
        ("Israel received the first shipment of F-35 jets from the United States.", True),
        ("Ukraine received the first Abrams tanks from the United States.", True),
        (
            "Germany pledged another 1.4 billion euros in military support for Ukraine, "
            "including IRIS-T air defence systems.",
            True,
        ),
        ("Spain will send Leopard tanks and Hawk missiles to Kyiv.", True),
        ("Britain to provide Ukraine with Storm Shadow missiles", True),
        ("Japan eases rules to allow export of Patriot missiles to the US", True),
        (
            "Japan will export Patriot missiles to the United States to replenish "
            "stocks sent to Ukraine.",
            True,
        ),
        ("Pakistan received J-10C fighter jets from China.", True),
        ("Serbia buys Chinese FK-3 air defence system.", True),
        ("Russia is buying artillery shells from North Korea, US intelligence says.", True),
        ("Belarus received Iskander missiles from Russia.", True),
        ("The Houthis have received weapons from Iran, a UN panel found.", True),
        ("Italy will send a seventh military aid package to Ukraine.", True),
        ("The Czech-led initiative has delivered 500,000 artillery shells to Ukraine.", True),
        ("Greece will buy F-35 jets from the US.", True),
        ("India to acquire 26 Rafale-M fighter jets from France.", True),
        ("Ukraine will get Gripen fighter jets from Sweden.", True),
        ("Sweden signs letter of intent to sell up to 150 Gripen jets to Ukraine.", True),
        ("Germany approves delivery of Eurofighter jets to Saudi Arabia.", True),
        ("The Pentagon awarded a contract to produce missiles for Ukraine.", True),
        ("Ukraine is to receive the first batch of Mirage jets from France.", True),
        ("The Kremlin warned the West against supplying long-range missiles to Kyiv.", True),
        ("Trump halts weapons shipments to Ukraine", True),
        ("US pauses some weapons deliveries to Ukraine", True),
        ("Germany refuses to send Taurus to Ukraine", True),
        ("The UK will gift Ukraine 14 Challenger 2 tanks.", True),
        ("Israel approved the sale of the Arrow 3 missile defence system to Germany.", True),
        ("Germany signed a deal to buy the Arrow 3 missile defence system from Israel.", True),
        ("The US is providing Israel with a THAAD battery.", True),
        ("The army tested a new hypersonic missile on Tuesday.", False),
        ("North Korea test-fired two ballistic missiles into the sea.", False),
        ("The US Army will buy 200 new Abrams tanks from General Dynamics.", False),
        ("The Pentagon ordered more F-35 jets for the US Air Force.", False),
        ("The navy deployed two warships to the Red Sea.", False),
        ("Russia deployed tactical nuclear weapons in Belarus.", False),
        ("Russian forces fired Iskander missiles at Kharkiv overnight.", False),
        ("Police seized weapons and ammunition in a raid on a gang hideout.", False),
        ("The US and Russia held talks on nuclear arms control.", False),
        ("The rebels used Chinese-made rifles in the attack.", False),
        ("He bought a handgun at a gun shop in Texas.", False),
        ("Gun sales soared after the shooting.", False),
        ("The oil tanks at the refinery caught fire after a drone strike.", False),
        ("The water tanks ran dry in the village.", False),
        ("The government plans to privatise the state arms maker.", False),
        ("The striker was carried off with a broken arm.", False),
        ("She wrapped her arms around her mother.", False),
        (
            "The minister, once implicated in an arms scandal, spoke about farm "
            "subsidies on Tuesday.",
            False,
        ),
        ("The think tank published a report on defence spending.", False),
        ("Apple will supply chips to Tesla.", False),
        ("The airline took delivery of its first Airbus A350 jets.", False),
        ("Amazon will deliver parcels by drone in Texas.", False),
        ("The company sold its tanker fleet to a Greek shipping firm.", False),
        ("The army received new rifles from the state arsenal.", False),
        ("The air force took delivery of its first domestically built fighter jet.", False),
        ("Ukraine used Western-supplied missiles to strike a bridge.", False),
        ("A Russian missile hit an apartment block in Dnipro.", False),
        ("Israeli jets struck targets in Gaza.", False),
        ("The bank financed an ammunition factory in Ohio.", False),
        ("Troops recovered a cache of weapons in the forest.", False),
        ("The US military will send 500 troops to Poland.", False),
        ("Germany sends troops to Lithuania.", False),
        ("The firm supplies food to the army.", False),
        ("The fire brigade received two new tanker trucks.", False),
        ("Ukraine asked for an investigation after Russian missiles struck a hospital.", False),
        ("Zelensky urged allies to help shoot down Russian missiles and drones.", False),
        ("Israel called on Hamas to give up its weapons.", False),
        (
            "Ukraine requested an emergency meeting of the UN Security Council after "
            "missiles hit Kyiv.",
            False,
        ),
        ("Russian missiles sent to the front line were destroyed, Kyiv said.", False),
        ("Troops sent to Poland will train with Patriot batteries.", False),
        ("The first F-35 jets arrived at Luke Air Force Base in Arizona.", False),
        ("The first F-16s arrived over the city shortly after noon and dropped bombs.", False),
        ("Aid for Ukraine's farmers was delivered by truck.", False),
        (
            "Drones for Ukraine's army are built in hundreds of small workshops across "
            "the country.",
            False,
        ),
        ("Rheinmetall shares rose after it said it would build a new plant in Germany.", False),
        ("Amazon bought Chinese drones for its delivery service.", False),
        ("The company bought Chinese solar panels and German machinery.", False),
        ("Police arrested men who bought weapons from abroad on the dark web.", False),
        ("He sent his family to Poland and stayed to fight.", False),
        ("The Houthis fired missiles at ships in the Red Sea.", False),
        (
            "Russia launched 40 missiles and 100 drones at Ukraine overnight; air "
            "defences shot down most of them.",
            False,
        ),
        ("The minister gave Ukraine assurances that more aid would come soon.", False),
        ("The storm sent Ukraine's grain exports lower.", False),
        ("Israel received missiles from Gaza overnight as sirens sounded.", False),
        ("The US military will buy American-made drones only, under the new law.", False),
        ("Ukraine's army received 100,000 drones from domestic manufacturers last month.", False),
        ("The weapons for the attack were bought at a gun show.", False),
        ("Taiwan asked the WHO for observer status as Chinese missiles were fired nearby.", False),
        ("A Russian attack hit a tank factory in Ukraine.", False),
        ("Pakistan received a $3 billion loan from Saudi Arabia.", False),
        ("Israel sent missiles into Lebanon overnight.", False),
        ("Russia sent missiles into Ukraine's cities overnight.", False),
        ("Iran sent drones over Israel in a retaliatory attack.", False),
    ],
}

CASES = [
    (language, text, expected) for language, cases in BATTERIES.items() for text, expected in cases
]


@pytest.mark.parametrize(("language", "text", "expected"), CASES)
def test_the_topic_finds_transfers_and_leaves_the_near_misses(
    language: str, text: str, expected: bool
) -> None:
    assert found(text) is expected, f"{language}: {text}"


def test_every_battery_has_transfers_and_near_misses() -> None:
    for language, cases in BATTERIES.items():
        assert {expected for _, expected in cases} == {True, False}, language
