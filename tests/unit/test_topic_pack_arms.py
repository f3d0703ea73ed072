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
        ("The Netherlands will send F-16s to Ukraine this year.", True),
        ("The House approved $61 billion in security aid for Ukraine.", True),
        ("Trump paused weapons aid to Ukraine, officials said.", True),
        ("Germany doubled its defence aid to Ukraine to 8 billion euros.", True),
        ("The hospital received $2 million in security aid after the attack on its staff.", False),
        ("Flood victims received aid from the army, which sent helicopters and trucks.", False),
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
        ("The navy sent two warships to the Gulf of Aden to fight piracy.", False),
        ("India sent warships to the region after the attack.", False),
        ("Turkey sent fighter jets to patrol the Syrian border.", False),
        ("Britain will send fighter jets to Romania to police NATO airspace.", False),
        ("The US is sending an aircraft carrier and warships to the eastern Mediterranean.", False),
        ("NATO allies sent fighter jets to the Baltic states.", False),
        (
            "The Pentagon will deploy Patriot missile batteries to Poland to protect "
            "NATO territory.",
            False,
        ),
        ("China sent warships near Taiwan for military drills.", False),
        (
            "Israel's army said it destroyed weapons smuggling tunnels along the Egypt border.",
            False,
        ),
        ("Russia sent submarines to the North Atlantic.", False),
        ("The government sent attack helicopters to quell the uprising.", False),
        ("The army sent tanks into the city to crush the protests.", False),
        (
            "Lockheed Martin won a $7.8 billion contract to deliver 126 F-35 jets to "
            "the US Air Force and Navy.",
            False,
        ),
        (
            "Rheinmetall will supply the Bundeswehr with 6,500 trucks and ammunition "
            "under a framework contract.",
            False,
        ),
        (
            "The Pentagon awarded Raytheon a contract to supply Patriot missiles to the US Army.",
            False,
        ),
        ("BAE Systems will deliver new frigates to the Royal Navy.", False),
        ("Dassault delivered the first Rafale F4 jets to the French Air Force.", False),
        ("Hanwha will supply K9 howitzers to the South Korean army.", False),
        ("The defence ministry ordered 200 Leopard 2A8 tanks for the Bundeswehr.", False),
        ("Saab delivered the first Gripen E jets to the Swedish Air Force.", False),
        ("Naval Group delivered the submarine to the French Navy.", False),
        ("Turkey's Aselsan delivered air defence systems to the Turkish Armed Forces.", False),
        ("Israel asked the UN to condemn Hamas after rockets and missiles were fired.", False),
        ("Taiwan asked China to stop sending fighter jets near the island.", False),
        (
            "Kyiv urged Western allies to impose sanctions over Russian missile attacks "
            "on the city.",
            False,
        ),
        # issue 8, second arms round: donations and hand-overs, contracts with a state abroad,
        # weapons arriving in a receiving state; a failure to deliver counts (a halt of supply),
        # and so does a maker's deliveries in its results (a delivery, and no rule excludes it)
        ("Denmark to donate all its artillery to Ukraine, prime minister says", True),
        ("Norway will hand over NASAMS air defence systems to Ukraine", True),
        ("Portugal to hand over three Leopard 2 tanks to Kyiv", True),
        ("Britain to gift 14 Challenger 2 tanks to Ukraine", True),
        ("The Philippines signed a contract with South Korea for two more frigates.", True),
        ("Poland signs deal to buy 96 Apache helicopters from the United States", True),
        (
            "Armenia says Russia, its main arms supplier, failed to deliver weapons it had "
            "paid for.",
            True,
        ),
        ("Swedish Gripen jets handed over to Hungary under lease deal", True),
        ("The first Abrams tanks arrived in Taiwan on Sunday, the defence ministry said.", True),
        ("Germany approves Patriot handover to Ukraine", True),
        ("Police seized a cache of weapons and ammunition in a raid on a warehouse.", False),
        ("Ukraine used US-supplied ATACMS missiles to strike an airfield in Russia.", False),
        (
            "Rheinmetall will deliver 155mm shells to the Bundeswehr under a framework contract.",
            False,
        ),
        ("US and Russian negotiators met in Geneva to discuss nuclear arms control.", False),
        ("India has long relied on Russia as its main arms supplier.", False),
        ("Militants handed over their weapons under the peace agreement.", False),
        ("Artillery fire hit supply lines near Bakhmut overnight.", False),
        ("The army showed off its new Chinese-made howitzers at the parade.", False),
        ("Lockheed Martin raised its full-year forecast on strong F-35 deliveries.", True),
        ("A new shipment of US weapons arrived in Israel overnight, the army said.", True),
        ("Greece signed a deal with France for three more Rafale jets.", True),
        (
            "Washington and Tehran resumed talks on a nuclear deal that would cap Iran's missiles.",
            False,
        ),
        ("Saab delivered the first GlobalEye to the Swedish Air Force.", False),
        # weapons that are not arms (topics.md: no transfer of weapons or military
        # equipment): games, metaphors, cyber tools, museum pieces
        ("The latest Call of Duty season delivers new weapons, maps and modes.", False),
        ("Vaccines are our best weapons, and supply is improving, the minister said.", False),
        ("Hackers are selling cyber weapons on underground forums.", False),
        ("The museum received a donation of medieval weapons and armour.", False),
        ("ABB sold a record number of robotic arms to carmakers last year.", False),
        # a militia handing its weapons to the state is a disarmament, not a transfer
        (
            "Hezbollah agreed to hand over its artillery and rockets to the Lebanese army as "
            "part of a plan to disarm the group.",
            False,
        ),
        ("Tickets for the Patriot League final sold out in hours.", False),
        # a receiving state taking delivery, a hand-over of MiG-29s, funding weapons production
        # for Ukraine (military-aid funding for weapons), an arms agreement; missiles "received"
        # in a strike, a strategic arms treaty and a maker's home production are no transfer
        ("Ukraine receives first Swedish Archer howitzers", True),
        ("Slovakia hands over MiG-29 fighters to Ukraine", True),
        ("Denmark will finance production of Ukrainian Bohdana howitzers for Kyiv's army", True),
        ("Saudi Arabia signs $142 billion arms agreement with the United States", True),
        ("Kyiv received a barrage of missiles and drones overnight.", False),
        ("Russia and the US agreed to extend the New START strategic arms agreement.", False),
        ("The Pentagon will fund production of more missiles at Lockheed's Arkansas plant.", False),
        # contracts with an arms maker, not with a state
        ("Saudi Arabia signed a contract with Navantia for five corvettes.", True),
        ("Poland signed a contract with Hyundai Rotem for 180 K2 tanks.", True),
        (
            "Portugal signed a contract with Embraer for five KC-390 military transport aircraft.",
            True,
        ),
        ("Hungary has signed a deal with Rheinmetall for Lynx infantry fighting vehicles.", True),
        (
            "The Philippine Navy signed a contract with Hyundai Heavy Industries for six "
            "patrol vessels.",
            True,
        ),
        ("Lithuania awarded a contract to Rheinmetall for Leopard 2 tanks on Tuesday.", True),
        ("Norway placed an order with KNDS for 54 Leopard 2A8 battle tanks.", True),
        ("Hanwha signed a $2.6 billion deal with Romania for K9 howitzers.", True),
        ("The US Army signed a contract with General Dynamics for 200 Abrams tanks.", False),
        ("Rheinmetall won an order from the Bundeswehr for Leopard 2 tanks.", False),
        ("IndiGo signed a deal with Airbus for 500 A320neo jets.", False),
        ("The rescue service signed a contract with Leonardo for six helicopters.", False),
        ("American Airlines placed an order with Embraer for 90 E175 jets.", False),
        ("Rheinmetall signed a deal with Volkswagen to supply pistons for its engines.", False),
        ("Ryanair ordered 150 737 jets in a deal with Boeing.", False),
        # issue 8, fourth arms round: wire wordings of a probe of 72 (buying drones, worth of
        # weapons, tank deliveries, a receiver right after the verb) and their near misses
        (
            "The State Department has approved the potential sale of 66 F-16 jets to "
            "Taiwan for an estimated $8 billion.",
            True,
        ),
        ("Washington clears $2.2 billion arms sale to Taiwan", True),
        (
            "Russia began delivering S-400 components to Turkey on Friday, the defence "
            "ministry in Ankara said.",
            True,
        ),
        (
            "The Pentagon said it will provide an additional $325 million in security "
            "assistance to Ukraine, including HIMARS ammunition.",
            True,
        ),
        (
            "Germany will give Ukraine another 2.7 billion euros worth of weapons, Berlin said.",
            True,
        ),
        ("Canada to donate 200 armoured vehicles to Ukraine", True),
        ("Tehran has provided Moscow with hundreds of drones, according to US officials.", True),
        (
            "North Korea is shipping artillery ammunition to Russia by rail, satellite "
            "images show.",
            True,
        ),
        ("Pyongyang has sent about 6,700 containers of munitions to Russia, Seoul said.", True),
        ("Saab wins order for Gripen fighters from Thailand", True),
        ("Egypt orders 30 more Rafale jets from France", True),
        ("India signs $3 billion deal with US for 31 MQ-9B drones", True),
        ("Philippines receives first BrahMos missile batteries from India", True),
        ("Armenia signs contract to buy Caesar howitzers from France", True),
        ("Serbia takes delivery of Chinese FK-3 air defence system", True),
        ("The US approved a $1 billion sale of Harpoon missiles to Taiwan.", True),
        ("Iran is smuggling weapons to Houthi rebels in Yemen, the US Navy says.", True),
        ("Biden administration pauses shipment of bombs to Israel", True),
        ("UK suspends some weapons exports to Israel over risk to humanitarian law", True),
        ("Lockheed Martin delivered the first F-35 fighter to Poland on Wednesday.", True),
        ("Kyiv has received the first Patriot air defense system, Zelenskyy said.", True),
        ("Ukraine has received Swedish Archer howitzers, the defence minister said.", True),
        ("The first Leopard 2 tanks from Germany have arrived in Ukraine.", True),
        ("US to send cluster munitions to Ukraine", True),
        ("Turkey is set to sell Bayraktar TB2 drones to Poland.", True),
        ("Poland says it will no longer supply weapons to Ukraine amid grain dispute", True),
        ("Russia has been buying drones from Iran for its war in Ukraine.", True),
        ("The US approved a $3.5 billion sale of AMRAAM missiles to Saudi Arabia.", True),
        ("Ukraine received 15 Gepard anti-aircraft guns from Germany.", True),
        ("Congress approves $61 billion in military aid for Ukraine", True),
        ("Norway to donate F-16 fighter jets to Ukraine", True),
        ("Denmark will hand over its entire artillery to Ukraine, the prime minister said.", True),
        ("Belgium pledges 30 F-16s to Ukraine by 2028", True),
        (
            "The Biden administration notified Congress of a proposed $18 billion sale "
            "of F-15 jets to Israel.",
            True,
        ),
        ("Qatar signs $12 billion deal to buy F-15 fighter jets from the US", True),
        ("China has been supplying Russia with components for its weapons, the US says.", True),
        ("Algeria bought Su-57 stealth fighters from Russia, reports say.", True),
        ("Iran delivers ballistic missiles to Russia", True),
        ("Azerbaijan bought Israeli drones worth hundreds of millions of dollars.", True),
        ("Taiwan takes delivery of first M1A2T Abrams tanks from US", True),
        ("Seoul approves export of K9 howitzers to Poland's ally Estonia", True),
        ("Moscow supplied Iskander missiles to Belarus last year.", True),
        ("The UN Security Council renewed the arms embargo on Libya.", True),
        ("Italy approved a new package of weapons for Kyiv.", True),
        ("The US has transferred 200 Patriot missiles to Ukraine from Israel's stocks.", True),
        ("Germany approves tank deliveries to Ukraine", True),
        ("Japan eases arms export rules to allow sale of fighter jets", True),
        ("Russian forces fired Iskander missiles at Kharkiv overnight, killing three.", False),
        ("Ukraine used US-supplied HIMARS to strike a Russian ammunition depot.", False),
        ("Police seized 40 rifles and 10,000 rounds of ammunition in a raid in Naples.", False),
        (
            "The Pentagon awarded Lockheed Martin a $7.8 billion contract for 126 F-35s"
            " for the US Air Force.",
            False,
        ),
        ("The Indian Army inducted the indigenous Arjun tanks at a ceremony.", False),
        ("North Korea launched a ballistic missile into the Sea of Japan on Tuesday.", False),
        ("NATO allies agreed to raise defence spending to 5 percent of GDP.", False),
        ("The US and Russia discussed extending the New START arms control treaty.", False),
        ("Tank maker Rheinmetall's shares jumped 5 percent on Monday.", False),
        ("The navy commissioned its new frigate on Monday in Toulon.", False),
        ("Houthi rebels fired drones at a commercial ship in the Red Sea.", False),
        ("An Israeli air strike hit a weapons depot near Damascus.", False),
        ("Germany's parliament approves a 100 billion euro fund for the Bundeswehr.", False),
        ("Amazon starts drone delivery of parcels in Texas.", False),
        ("Airbus delivered 60 jets to airline customers in May.", False),
        ("Russia sent more troops and tanks to the front near Pokrovsk.", False),
        ("The Houthis launched missiles toward Israel on Saturday.", False),
        ("A man was arrested for selling guns without a licence in Chicago.", False),
        ("The army received new rifles made by a local factory.", False),
        ("Iran unveiled a new ballistic missile at a military parade.", False),
        ("Ukraine's drones struck an oil refinery deep inside Russia.", False),
        ("The Chinese military sent 30 warplanes toward Taiwan on Monday.", False),
        # issue 8, fourth arms round: a gun store, smuggling fought or attempted, a seizure
        # beside 'send'
        (
            "The owner of a store that sells weapons in central Kyiv said people are "
            "buying weapons for self-defence.",
            False,
        ),
        (
            "A binational group against arms trafficking will help seize weapons and "
            "ammunition destined to be sold illegally.",
            False,
        ),
        (
            "Attempts to smuggle arms across the border with drones continue, the army chief said.",
            False,
        ),
        (
            "Police confiscated weapons and ammunition; the minister said they would "
            "send a message to weapons traffickers.",
            False,
        ),
        # issue 8, fourth arms round: a request by anyone for weapons, and its near misses
        (
            "Zelensky said Ukraine has the right to demand weapons from the world, "
            "including tanks and planes.",
            True,
        ),
        ("He appealed for more weapons and tougher sanctions against Russia.", True),
        ("The Kurdish commander pleaded for heavy weapons to hold the town.", True),
        (
            "Zelensky asked for fighter jets and surface-to-air missiles in his address"
            " to Congress.",
            True,
        ),
        (
            "The rebels were asked to surrender and hand in their weapons; the "
            "government demanded weapons be handed in.",
            False,
        ),
        ("Hospitals asked for oxygen tanks and ambulances after the earthquake.", False),
        ("Rising demand for ammunition among hunters lifted gun sales.", False),
    ],
    # Spanish: transfers as wire copy reports them, and the near misses
    "es": [
        ("Arabia Saudí firmó un contrato con Navantia para cinco corbetas.", True),
        (
            "El Ministerio de Defensa firmó un contrato con Navantia para cinco fragatas "
            "para la Armada.",
            False,
        ),
        ("Alemania entregará tanques Leopard 2 a Ucrania", True),
        (
            "Estados Unidos anuncia un nuevo paquete de ayuda militar para Ucrania por "
            "400 millones de dólares",
            True,
        ),
        ("España enviará seis tanques Leopard a Ucrania", True),
        ("Irán suministró drones a Rusia, según Washington", True),
        ("Corea del Norte envió millones de proyectiles de artillería a Rusia", True),
        ("El Gobierno suspende la venta de armas a Israel", True),
        ("La UE impone un embargo de armas a Rusia", True),
        ("Estados Unidos aprobó la venta de aviones de combate F-16 a Turquía", True),
        ("Ucrania recibió los primeros cazas F-16", True),
        ("Llegan a Ucrania los primeros F-16", True),
        ("Indonesia firma un contrato para la compra de 42 cazas Rafale a Francia", True),
        ("Brasil compra cazas Gripen a Suecia", True),
        ("Francia suministrará misiles a Ucrania", True),
        ("Zelenski pide a Occidente más sistemas de defensa antiaérea", True),
        ("Alemania aprueba el envío de armas a Ucrania", True),
        ("El Pentágono suspende los envíos de armas a Ucrania", True),
        ("Rusia vendió sistemas S-400 a la India", True),
        ("Washington paraliza el envío de bombas a Israel", True),
        ("España donará material militar a Ucrania", True),
        ("Estados Unidos dará a Ucrania misiles de largo alcance ATACMS", True),
        ("Italia enviará un nuevo paquete de armas a Kiev", True),
        ("Argentina compra aviones F-16 a Dinamarca", True),
        ("Rusia recibe misiles balísticos de Irán", True),
        ("México denuncia el tráfico de armas desde Estados Unidos", True),
        ("El ejército probó un nuevo misil balístico.", False),
        ("Corea del Norte disparó dos misiles balísticos al mar.", False),
        ("La policía incautó armas y municiones en un operativo.", False),
        ("Rusia lanzó misiles contra Kiev durante la noche.", False),
        ("El Ejército de Tierra recibió nuevos vehículos de la fábrica nacional.", False),
        ("Los tanques de agua del pueblo están vacíos.", False),
        ("Los tanques de combustible explotaron en la refinería.", False),
        (
            "Estados Unidos y Rusia retoman las conversaciones sobre control de armas nucleares.",
            False,
        ),
        ("El niño se rompió el brazo jugando al fútbol.", False),
        ("La venta de armas en Estados Unidos creció tras el tiroteo.", False),
        ("Los rebeldes usaban fusiles de fabricación china.", False),
        ("El Gobierno privatizará la empresa pública de armamento.", False),
        ("La OTAN desplegó cazas en Rumanía.", False),
        ("Alemania venderá cuatro fragatas a Egipto.", True),
        ("Francia enviará aviones de combate Mirage a Ucrania.", True),
        ("Washington autoriza la venta de misiles Patriot a Suiza", True),
        ("Israel firmó un acuerdo para vender el sistema Arrow 3 a Alemania", True),
        (
            "El Congreso de EEUU aprueba 61.000 millones de dólares en ayuda a Ucrania, "
            "incluida ayuda militar",
            True,
        ),
        ("Estados Unidos suministrará a Israel bombas de 900 kilos", True),
        (
            "Ucrania pidió una reunión urgente del Consejo de Seguridad tras el ataque "
            "con misiles rusos.",
            False,
        ),
        ("Llegaron los primeros turistas a la isla tras el huracán.", False),
        ("Los primeros cazas F-16 rusos sobrevolaron la frontera.", False),
        ("El presidente dará a Ucrania su apoyo político en la cumbre.", False),
        ("Israel pidió a Hamás que entregue los rehenes tras el ataque con misiles.", False),
        ("El Ejército del Aire recibió los primeros Eurofighter fabricados en Getafe.", False),
        ("Zelenski pidió a los aliados ayuda para derribar los misiles rusos.", False),
        ("España envió dos buques de guerra al mar Rojo.", False),
        ("Turquía envió aviones de combate a la frontera con Siria.", False),
        ("El Gobierno envió helicópteros militares a la zona del incendio.", False),
        ("Estados Unidos envió cazas F-16 a Polonia para unas maniobras de la OTAN.", False),
        ("Indra entregó los primeros blindados 8x8 Dragón al Ejército de Tierra.", False),
        ("Navantia entregará la fragata F-110 a la Armada española.", False),
        ("Llegan nuevas oleadas de misiles rusos sobre Kiev.", False),
        ("Llegaron nuevos ataques con misiles y drones contra Járkov.", False),
        # issue 8, second arms round: donations, hand-overs, contracts with a state abroad
        ("Dinamarca donará toda su artillería a Ucrania", True),
        ("Filipinas firma un contrato con Corea del Sur para la compra de dos fragatas", True),
        ("Noruega entregará a Ucrania sistemas antiaéreos NASAMS", True),
        ("Alemania cede a Ucrania otros dos sistemas Patriot", True),
        ("Llegan a Ucrania los primeros cazas F-16", True),
        (
            "El Ministerio de Defensa firma con Navantia el contrato de cinco fragatas F-110 "
            "para la Armada.",
            False,
        ),
        ("La policía incautó armas y municiones en una operación en Valencia.", False),
        # weapons arriving in the receiving country, and a seized shipment
        ("Llegan a Israel nuevos cargamentos de armas estadounidenses", True),
        ("La Guardia Civil incautó un cargamento de armas en el puerto de Algeciras.", False),
        # issue 8, fourth arms round: headlines of the commonest stories and their near misses
        ("Estados Unidos aprueba la venta de 66 cazas F-16 a Taiwán", True),
        ("Alemania entregará a Ucrania otros cuatro sistemas de defensa antiaérea IRIS-T.", True),
        ("España enviará a Ucrania seis tanques Leopard 2A4 reparados.", True),
        ("Irán ha suministrado a Rusia cientos de drones Shahed, según Washington.", True),
        ("Corea del Norte envió millones de proyectiles de artillería a Rusia.", True),
        (
            "El Gobierno autorizó la exportación de material de defensa por valor de "
            "4.000 millones.",
            True,
        ),
        ("Marruecos compra a Israel un sistema de defensa aérea Barak MX.", True),
        ("Ucrania recibe los primeros cazas F-16 de Países Bajos.", True),
        ("Argentina firma la compra de 24 aviones F-16 a Dinamarca.", True),
        (
            "El Pentágono anuncia un nuevo paquete de armas para Ucrania por 400 "
            "millones de dólares.",
            True,
        ),
        ("Colombia adquirirá 17 cazas Gripen a Suecia.", True),
        ("Rusia suministra armas a Venezuela desde hace años.", True),
        ("Zelenski pide a Occidente más sistemas de defensa antiaérea.", True),
        ("La policía incautó 30 armas de fuego en una operación en Madrid.", False),
        ("El Ejército de Tierra recibió nuevos vehículos blindados fabricados en España.", False),
    ],
    # French: transfers as wire copy reports them, and the near misses
    "fr": [
        ("La Grèce a signé un contrat avec Dassault pour six avions de combat Rafale.", True),
        ("L'Allemagne va livrer des chars Leopard 2 à l'Ukraine", True),
        (
            "Les États-Unis annoncent une nouvelle aide militaire de 400 millions de "
            "dollars à l'Ukraine",
            True,
        ),
        ("La France va livrer des canons Caesar supplémentaires à Kiev", True),
        ("L'Iran a fourni des drones à la Russie, selon Washington", True),
        ("La Corée du Nord a envoyé des millions d'obus à la Russie", True),
        ("Le Royaume-Uni suspend une partie de ses exportations d'armes vers Israël", True),
        ("L'UE prolonge l'embargo sur les armes contre la Russie", True),
        ("Les premiers F-16 sont arrivés en Ukraine", True),
        ("L'Ukraine a reçu ses premiers avions de combat F-16", True),
        ("L'Indonésie signe un contrat pour 42 Rafale", True),
        ("L'Inde commande 26 Rafale Marine à la France", True),
        ("Macron annonce la livraison de Mirage 2000 à l'Ukraine", True),
        ("Zelensky réclame davantage de systèmes de défense antiaérienne", True),
        ("La France va céder des missiles SCALP à l'Ukraine", True),
        ("Paris refuse de livrer des armes à Israël", True),
        ("Washington suspend une livraison de bombes à Israël", True),
        ("La Belgique va fournir des F-16 à l'Ukraine", True),
        ("La Russie a livré des systèmes S-400 à l'Inde", True),
        ("Le Brésil achète des sous-marins à la France", True),
        ("Les Émirats ont signé un contrat d'achat de 80 Rafale", True),
        ("Washington approuve la vente de F-16 à la Turquie", True),
        ("L'armée a testé un nouveau missile hypersonique.", False),
        ("La Corée du Nord a tiré deux missiles balistiques en mer.", False),
        ("La police a saisi des armes et des munitions lors d'une perquisition.", False),
        ("La Russie a tiré des missiles sur Kiev cette nuit.", False),
        ("Le réservoir d'eau du village est vide.", False),
        ("Les négociations sur le contrôle des armements nucléaires reprennent à Genève.", False),
        ("Il s'est cassé le bras lors du match.", False),
        ("Les rebelles utilisaient des fusils de fabrication chinoise.", False),
        ("Le gouvernement va privatiser le fabricant d'armes public.", False),
        ("L'Otan a déployé des avions de chasse en Roumanie.", False),
        ("La Russie, principal fournisseur d'armes de l'Inde, a annoncé des sanctions.", False),
        ("Berlin approuve la livraison de chars Leopard à l'Ukraine", True),
        ("L'Allemagne autorise l'exportation de sous-marins vers l'Égypte", True),
        ("Kiev a reçu des missiles Patriot supplémentaires de la part de l'Allemagne", True),
        ("Paris et Athènes signent un contrat pour 18 Rafale", True),
        (
            "L'Ukraine a demandé une réunion d'urgence du Conseil de sécurité après les "
            "frappes de missiles.",
            False,
        ),
        ("Les premiers touristes sont arrivés sur l'île.", False),
        ("La France achète des masques à la Chine.", False),
        ("L'armée de l'Air et de l'Espace a reçu ses premiers Rafale F4.", False),
        ("Israël demande la libération des otages après des tirs de missiles.", False),
        ("La France a envoyé des navires de guerre en Méditerranée orientale.", False),
        ("Paris envoie des avions de combat en Roumanie pour une mission de l'Otan.", False),
        ("Sont arrivés de nouveaux tirs de missiles sur Kiev.", False),
        # issue 8, second arms round: donations, hand-overs, contracts with a state abroad
        ("Le Danemark va donner toute son artillerie à l'Ukraine", True),
        ("La Norvège va céder des systèmes NASAMS à l'Ukraine", True),
        ("La Grèce signe un contrat pour l'achat de trois frégates à la France", True),
        ("Les premiers chars Leopard sont arrivés en Ukraine", True),
        ("La police a saisi des armes et des munitions lors d'une perquisition.", False),
        ("L'armée de Terre a reçu ses premiers canons Caesar de nouvelle génération.", False),
        # weapons arriving in the receiving country, and a seized shipment
        ("Une nouvelle cargaison d'armes américaines est arrivée en Israël", True),
        # issue 8, fourth arms round: headlines of the commonest stories and their near misses
        ("Les États-Unis approuvent la vente de chars Abrams à la Pologne.", True),
        ("La France va livrer des canons Caesar supplémentaires à l'Ukraine.", True),
        ("L'Inde signe un contrat pour 26 Rafale Marine avec la France.", True),
        ("L'Iran a fourni des centaines de drones à la Russie, selon Washington.", True),
        ("La Corée du Nord a envoyé des obus d'artillerie à la Russie.", True),
        ("L'Allemagne va livrer des systèmes de défense aérienne IRIS-T à Kiev.", True),
        ("L'Ukraine a reçu les premiers F-16 promis par les Pays-Bas.", True),
        ("Washington suspend une livraison de bombes à Israël.", True),
        ("La Belgique va céder des F-16 à l'Ukraine.", True),
        ("La Serbie achète 12 Rafale à la France.", True),
        ("Le Royaume-Uni suspend des licences d'exportation d'armes vers Israël.", True),
        ("La police a saisi un arsenal d'armes dans un appartement de Marseille.", False),
        ("L'armée de Terre a reçu ses premiers véhicules Serval.", False),
    ],
    # German: transfers as wire copy reports them, and the near misses
    "de": [
        ("Litauen hat einen Vertrag mit KNDS über Leopard-2-Kampfpanzer unterzeichnet.", True),
        ("Deutschland liefert Leopard-2-Panzer an die Ukraine", True),
        ("Bundesregierung genehmigt weitere Waffenlieferungen an die Ukraine", True),
        ("Die USA kündigen ein neues Militärhilfepaket für die Ukraine an", True),
        ("Iran liefert Drohnen an Russland", True),
        ("Nordkorea hat Millionen Artilleriegranaten an Russland geliefert", True),
        ("Deutschland stoppt Rüstungsexporte nach Israel", True),
        ("Bundesregierung genehmigt Rüstungsexporte nach Saudi-Arabien", True),
        ("Die EU verlängert das Waffenembargo gegen Russland", True),
        ("Erste F-16-Kampfjets in der Ukraine eingetroffen", True),
        ("Die Ukraine hat die ersten F-16-Kampfjets erhalten", True),
        ("Scholz lehnt Taurus-Lieferung an die Ukraine ab", True),
        ("Deutschland schickt weitere Patriot-Systeme in die Ukraine", True),
        ("Die Schweiz verbietet die Weitergabe von Munition an die Ukraine", True),
        ("Rheinmetall baut Munitionsfabrik in der Ukraine", True),
        ("Polen kauft Kampfpanzer aus Südkorea", True),
        ("Deutschland kauft F-35-Kampfjets aus den USA", True),
        ("Waffenhilfe für Kiew: Berlin sagt weitere Luftabwehrsysteme zu", True),
        ("Selenskyj fordert mehr Luftabwehrsysteme vom Westen", True),
        ("Die Bundesregierung will der Ukraine weitere Marder-Schützenpanzer überlassen", True),
        ("Deutschland gibt Kampfpanzer an die Ukraine ab", True),
        ("Rüstungsexporte: Regierung genehmigt Lieferung von Eurofighter an Saudi-Arabien", True),
        ("Deutschland hat der Ukraine Militärhilfe in Höhe von 28 Milliarden Euro zugesagt", True),
        ("Die Bundeswehr erhält neue Puma-Schützenpanzer von Rheinmetall.", False),
        ("Nordkorea hat zwei ballistische Raketen ins Meer abgefeuert.", False),
        ("Die Polizei beschlagnahmte Waffen und Munition bei einer Razzia.", False),
        ("Russland griff Kiew mit Raketen an.", False),
        ("Der Öltank der Raffinerie geriet in Brand.", False),
        ("Die Gespräche über Rüstungskontrolle werden in Genf fortgesetzt.", False),
        ("Er brach sich den Arm beim Fußballspiel.", False),
        ("Die Rebellen nutzten Gewehre aus chinesischer Produktion.", False),
        ("Die Bundeswehr verlegt Kampfjets nach Litauen.", False),
        ("Der Jäger kaufte ein neues Gewehr im Waffengeschäft.", False),
        ("Der Tankwagen lieferte Heizöl an die Schule.", False),
        ("Deutschland schickt Kampfjets vom Typ Eurofighter an die Ukraine.", True),
        ("Die Niederlande liefern F-16-Kampfjets an die Ukraine", True),
        ("Berlin genehmigt Export von Eurofightern an die Türkei", True),
        ("Die Schweiz blockiert Weitergabe von Gepard-Munition an die Ukraine", True),
        ("Israel fordert von der Hamas, die Waffen niederzulegen.", False),
        ("Die Ukraine fordert mehr Unterstützung, um russische Raketen abzufangen.", False),
        ("Die Bundeswehr hat die ersten Leopard 2A8 erhalten.", False),
        ("Die ersten Touristen sind auf der Insel eingetroffen.", False),
        ("Rheinmetall baut ein neues Werk in Unterlüß.", False),
        ("Die Hamas feuerte Raketen nach Israel.", False),
        ("Deutschland kauft Gas aus Katar.", False),
        ("Die ersten russischen Raketen trafen Kiew am Morgen.", False),
        ("Die Bundeswehr schickt Kampfjets nach Litauen.", False),
        ("Deutschland schickt Kriegsschiffe in den Indopazifik.", False),
        ("Rheinmetall liefert Munition an die Bundeswehr.", False),
        (
            "In der Nacht sind neue Raketen in Kiew eingeschlagen; erste Trümmer wurden gefunden.",
            False,
        ),
        ("Die ersten russischen Kampfjets sind über Kiew angekommen.", False),
        # issue 8, second arms round: donations, hand-overs, contracts with a state abroad
        ("Deutschland stellt der Ukraine weitere Patriot-Raketen bereit", True),
        ("Dänemark spendet seine gesamte Artillerie an die Ukraine", True),
        ("Norwegen übergibt der Ukraine NASAMS-Systeme", True),
        ("Die Philippinen unterzeichnen einen Vertrag über zwei Fregatten aus Südkorea", True),
        ("Die Bundeswehr stellt Soldaten für die Übung bereit.", False),
        ("Die Polizei hat Waffen und Munition beschlagnahmt.", False),
        # weapons arriving in the receiving country, and a seized shipment
        ("Neue Munition aus Deutschland ist in der Ukraine eingetroffen", True),
        ("Die Außenministerin ist in Kiew eingetroffen und sprach über Waffen.", False),
        # issue 8, fourth arms round: headlines of the commonest stories and their near misses
        ("Deutschland liefert weitere Patriot-Systeme an die Ukraine.", True),
        (
            "Die Bundesregierung genehmigt den Export von Eurofighter-Kampfjets nach "
            "Saudi-Arabien.",
            True,
        ),
        ("Iran hat Russland Hunderte Drohnen geliefert, sagen US-Beamte.", True),
        ("Nordkorea hat Millionen Artilleriegranaten an Russland geschickt.", True),
        ("Die Ukraine hat die ersten F-16-Kampfjets erhalten.", True),
        ("Polen kauft 250 Abrams-Panzer in den USA.", True),
        ("Kanzler Scholz lehnt die Lieferung von Taurus-Marschflugkörpern ab.", True),
        ("Die USA stoppen Waffenlieferungen an die Ukraine.", True),
        ("Dänemark übergibt der Ukraine seine gesamte Artillerie.", True),
        ("Rheinmetall erhält Auftrag über Munition für die Ukraine.", True),
        ("Russland hat in der Nacht Raketen auf Kiew abgefeuert.", False),
        ("Die Polizei hat bei einer Razzia Waffen beschlagnahmt.", False),
        ("Die Bundeswehr erhält neue Puma-Schützenpanzer aus deutscher Produktion.", False),
    ],
    # Russian: transfers as wire copy reports them, and the near misses
    "ru": [
        ("Германия передаст Украине танки Leopard 2", True),
        ("США объявили о новом пакете военной помощи Украине", True),
        ("Иран поставляет России беспилотники", True),
        ("КНДР передала России миллионы артиллерийских снарядов", True),
        ("Британия приостановила экспорт оружия в Израиль", True),
        ("ЕС продлил эмбарго на поставки оружия", True),
        ("Первые истребители F-16 прибыли на Украину", True),
        ("Украина получила первые истребители F-16", True),
        ("Россия поставила Индии систему С-400", True),
        ("Индия закупит у России вооружения на 10 млрд долларов", True),
        ("Запад продолжает поставки вооружений Киеву", True),
        ("Берлин отказался поставлять Украине ракеты Taurus", True),
        ("Вашингтон приостановил поставки бомб Израилю", True),
        ("Зеленский попросил у союзников больше систем ПВО", True),
        ("Турция купила у России комплексы С-400", True),
        ("Франция передаст Украине истребители Mirage", True),
        ("Москва предупредила Запад о последствиях поставок дальнобойных ракет Киеву", True),
        ("Рособоронэкспорт подписал контракт на поставку вертолетов в Египет", True),
        ("Белоруссия получила от России комплексы «Искандер»", True),
        ("Минобороны России получило новые танки Т-90 в рамках гособоронзаказа.", False),
        ("КНДР запустила две баллистические ракеты.", False),
        ("Полиция изъяла оружие и боеприпасы у членов банды.", False),
        ("Россия нанесла ракетный удар по Киеву.", False),
        ("Нефтяной танкер сел на мель.", False),
        ("Переговоры о контроле над вооружениями возобновились в Женеве.", False),
        ("Он сломал руку во время матча.", False),
        ("Россия, основной поставщик оружия для Индии, заявила о новых санкциях.", False),
        ("ВСУ применили поставленные США ракеты ATACMS.", False),
        ("Россия поставила Ирану истребители Су-35", True),
        ("США передадут Украине ракеты ATACMS", True),
        ("Германия одобрила экспорт танков Leopard в Польшу", True),
        ("Киев получил от Вашингтона новую партию вооружений", True),
        ("Первые туристы прибыли в Сочи.", False),
        ("Украина попросила созвать Совбез ООН после ракетного удара.", False),
        ("Партия «Единая Россия» получила большинство в Госдуме.", False),
        ("Россия выпустила по Киеву ракеты и беспилотники.", False),
        ("Глава МИД Украины призвал партнеров ускорить поставки.", False),
        ("Россия отправила военные корабли в Средиземное море.", False),
        ("Китай направил военные корабли к Тайваню.", False),
        ("Уралвагонзавод передал в войска новую партию танков Т-90М.", False),
        ("Первые ракеты прибыли к цели, сообщили военные.", False),
        ("Компания получила первые прибыли от экспорта.", False),
        # issue 8, second arms round: donations, hand-overs, contracts with a state abroad
        ("Дания передаст Украине всю свою артиллерию", True),
        ("Норвегия передаст Украине зенитные комплексы NASAMS", True),
        ("Филиппины подписали контракт с Южной Кореей на покупку двух фрегатов", True),
        ("Уралвагонзавод передал войскам новую партию танков Т-90М", False),
        ("Россия и США обсудили контроль над вооружениями", False),
        # weapons arriving in the receiving country, and a seized shipment
        ("В Израиль прибыла новая партия американского оружия", True),
        ("Полиция изъяла партию оружия, прибывшую из-за рубежа.", False),
        # issue 8, fourth arms round: headlines of the commonest stories and their near misses
        ("США одобрили продажу Тайваню истребителей F-16.", True),
        ("Иран передал России сотни беспилотников, заявили в Вашингтоне.", True),
        ("КНДР поставляет России артиллерийские снаряды.", True),
        ("Германия передаст Украине новые системы ПВО IRIS-T.", True),
        ("Украина получила первые истребители F-16.", True),
        ("Индия закупит у России дополнительные комплексы С-400.", True),
        ("Пентагон объявил о новом пакете военной помощи Украине.", True),
        ("Россия поставила Ирану истребители Су-35.", True),
        ("Полиция изъяла оружие у жителя Подмосковья.", False),
        ("Армия получила новые танки Т-90 с Уралвагонзавода в рамках гособоронзаказа.", False),
    ],
    # Ukrainian: transfers as wire copy reports them, and the near misses
    "uk": [
        ("Німеччина передасть Україні танки Leopard 2", True),
        ("США оголосили новий пакет військової допомоги Україні", True),
        ("Іран постачає Росії безпілотники", True),
        ("КНДР передала Росії мільйони артилерійських снарядів", True),
        ("В Україну прибули перші винищувачі F-16", True),
        ("Україна отримала перші винищувачі F-16", True),
        ("Нідерланди передали Україні ще 18 винищувачів F-16", True),
        ("Франція передасть Україні літаки Mirage 2000", True),
        ("Зеленський попросив партнерів про додаткові системи ППО", True),
        ("Німеччина відмовилася надати Україні ракети Taurus", True),
        ("Швеція надасть Україні нову партію зброї", True),
        ("Канада передала Україні бронетехніку", True),
        ("США призупинили постачання зброї Україні", True),
        ("Росія отримала від Ірану балістичні ракети", True),
        ("Росія завдала ракетного удару по Києву.", False),
        ("Поліція вилучила зброю та набої у членів банди.", False),
        ("Нафтовий танкер сів на мілину.", False),
        ("Він зламав руку під час матчу.", False),
        ("КНДР запустила дві балістичні ракети.", False),
        ("ЗСУ застосували надані США ракети ATACMS.", False),
        ("США передадуть Україні ракети ATACMS", True),
        ("Україна отримала від Німеччини нову систему IRIS-T", True),
        ("Перші туристи прибули до Києва.", False),
        ("Росія випустила по Києву ракети та дрони.", False),
        ("Україна попросила скликати Радбез ООН після ракетного удару.", False),
        ("Укроборонпром передав ЗСУ нову партію бронетехніки.", False),
        # issue 8, second arms round: donations, hand-overs, contracts with a state abroad
        ("Данія передасть Україні всю свою артилерію", True),
        ("Норвегія передасть Україні системи NASAMS", True),
        ("Нідерланди завершили передачу Україні всіх 24 винищувачів F-16", True),
        ("В Україну прибула нова партія бронетехніки від союзників", True),
        ("Литва ухвалила рішення передати Україні ще одну партію боєприпасів", True),
        ("ЗСУ застосували HIMARS для удару по складу боєприпасів.", False),
        ("Поліція вилучила зброю та боєприпаси у мешканця Києва.", False),
        ("Україна та Швеція підписали угоду про постачання винищувачів Gripen", True),
        ("Словаччина передала Україні зенітні ракетні комплекси С-300", True),
        ("Укроборонпром передав армії нові бронеавтомобілі вітчизняного виробництва.", False),
        # weapons arriving in the receiving country, and a seized shipment
        ("В Україну прибула нова партія зброї від партнерів", True),
        # kit handed to the country's own forces by its own makers (domestic), and an export
        ("Українські виробники передали ЗСУ нову партію дронів", False),
        ("Данія профінансує виробництво зброї в Україні", True),
        # issue 8, fourth arms round: headlines of the commonest stories and their near misses
        ("Німеччина передасть Україні ще чотири системи IRIS-T.", True),
        ("Україна отримала перші винищувачі F-16.", True),
        ("США оголосили новий пакет військової допомоги Україні.", True),
        ("Іран постачає Росії дрони Шахед.", True),
        ("Нідерланди передали Україні танки Leopard 1.", True),
        ("Росія випустила по Києву ракети.", False),
    ],
    # Italian: transfers as wire copy reports them, and the near misses
    "it": [
        ("L'Indonesia ha firmato un contratto con Fincantieri per sei fregate.", True),
        ("La Germania consegnerà carri armati Leopard 2 all'Ucraina", True),
        ("Gli Usa annunciano un nuovo pacchetto di aiuti militari per l'Ucraina", True),
        ("L'Iran ha fornito droni alla Russia", True),
        ("La Corea del Nord ha inviato milioni di proiettili d'artiglieria alla Russia", True),
        ("Il governo approva il nono decreto per l'invio di armi a Kiev", True),
        ("L'Italia sospende l'export di armi verso Israele", True),
        ("Arrivati in Ucraina i primi caccia F-16", True),
        ("L'Ucraina ha ricevuto i primi caccia F-16", True),
        ("L'Egitto acquista fregate Fremm dall'Italia", True),
        ("L'Indonesia firma un contratto per 42 caccia Rafale", True),
        ("Zelensky chiede più sistemi di difesa aerea agli alleati", True),
        ("Berlino rifiuta di inviare i missili Taurus a Kiev", True),
        ("La Francia fornirà caccia Mirage all'Ucraina", True),
        ("Gli Stati Uniti hanno sospeso la fornitura di bombe a Israele", True),
        ("La Ue prolunga l'embargo sulle armi alla Russia", True),
        ("Leonardo venderà elicotteri militari al Qatar", True),
        (
            "Il ministero della Difesa ha acquistato nuovi carri armati per l'Esercito italiano.",
            False,
        ),
        ("La Corea del Nord ha lanciato due missili balistici.", False),
        ("La polizia ha sequestrato armi e munizioni in un blitz.", False),
        ("La Russia ha lanciato missili su Kiev.", False),
        ("I serbatoi di petrolio della raffineria hanno preso fuoco.", False),
        ("Si è rotto il braccio durante la partita.", False),
        (
            "La Russia, principale fornitore di armi dell'India, ha annunciato nuove sanzioni.",
            False,
        ),
        ("L'Ucraina ha usato missili Storm Shadow forniti dal Regno Unito.", False),
        ("Gli Stati Uniti hanno approvato la vendita di F-35 alla Grecia", True),
        ("La Germania ha consegnato all'Ucraina un altro sistema Iris-T", True),
        (
            "L'Ucraina chiede una riunione urgente del Consiglio di sicurezza dopo "
            "l'attacco missilistico.",
            False,
        ),
        ("Sono arrivati i primi turisti sull'isola.", False),
        ("L'Aeronautica Militare ha ricevuto i primi Eurofighter prodotti a Torino.", False),
        ("L'Italia acquista gas dall'Algeria.", False),
        ("Zelensky chiede agli alleati di abbattere i missili russi.", False),
        ("L'Italia ha inviato navi da guerra nel Mar Rosso.", False),
        ("Leonardo ha consegnato i primi elicotteri all'Esercito italiano.", False),
        ("Fincantieri ha consegnato la fregata alla Marina Militare.", False),
        ("Sono arrivati nuovi attacchi missilistici su Kiev, con missili e droni.", False),
        # issue 8, second arms round: donations, hand-overs, contracts with a state abroad
        ("La Danimarca donerà tutta la sua artiglieria all'Ucraina", True),
        ("La Norvegia consegnerà all'Ucraina sistemi NASAMS", True),
        ("L'Italia cede all'Ucraina un secondo sistema SAMP/T", True),
        ("La polizia ha sequestrato armi e munizioni.", False),
        # weapons arriving in the receiving country, and a seized shipment
        ("Arrivato in Ucraina un nuovo carico di armi dagli Stati Uniti", True),
        ("La polizia ha sequestrato un carico di armi al porto di Gioia Tauro.", False),
        # issue 8, fourth arms round: headlines of the commonest stories and their near misses
        ("L'Italia invierà a Kiev un nuovo pacchetto di armi.", True),
        ("Gli Stati Uniti approvano la vendita di caccia F-35 alla Grecia.", True),
        ("La Germania fornirà all'Ucraina altri sistemi Patriot.", True),
        ("L'Iran ha fornito droni alla Russia, secondo Washington.", True),
        ("L'Ucraina ha ricevuto i primi caccia F-16.", True),
        ("L'Egitto acquista due fregate Fremm dall'Italia.", True),
        ("La polizia ha sequestrato armi e munizioni in un appartamento.", False),
        # issue 8, fourth arms round: wordings read in real news (a military deal, a package of
        # weapons, defence exports, equipment ceded) and seizures
        (
            "Il governo proroga l'autorizzazione a cedere mezzi ed equipaggiamenti "
            "militari all'Ucraina",
            True,
        ),
    ],
    # Portuguese: transfers as wire copy reports them, and the near misses
    "pt": [
        ("Portugal assinou um contrato com a Embraer para cinco aviões KC-390 e mísseis.", True),
        ("Alemanha vai entregar tanques Leopard 2 à Ucrânia", True),
        ("EUA anunciam novo pacote de ajuda militar à Ucrânia", True),
        ("Irã forneceu drones à Rússia, diz Washington", True),
        ("Coreia do Norte enviou milhões de projéteis de artilharia para a Rússia", True),
        ("Lula recusa envio de munição para a Ucrânia", True),
        ("Brasil nega venda de munição de tanques para a Alemanha", True),
        ("Os primeiros caças F-16 chegaram à Ucrânia", True),
        ("A Ucrânia recebeu os primeiros caças F-16", True),
        ("Brasil compra caças Gripen da Suécia", True),
        ("Embraer vende aviões militares KC-390 à Hungria", True),
        ("Portugal vai enviar tanques Leopard para a Ucrânia", True),
        ("EUA suspendem envio de bombas a Israel", True),
        ("A UE prorrogou o embargo de armas contra a Rússia", True),
        ("Zelensky pede mais sistemas de defesa aérea ao Ocidente", True),
        ("O Exército recebeu novas viaturas blindadas fabricadas no Brasil.", False),
        ("A Coreia do Norte disparou dois mísseis balísticos.", False),
        ("A polícia apreendeu armas e munições em operação.", False),
        ("A Rússia lançou mísseis contra Kiev.", False),
        ("O tanque de combustível do caminhão explodiu.", False),
        ("Ele quebrou o braço durante o jogo.", False),
        ("A Rússia, principal fornecedora de armas da Índia, anunciou novas sanções.", False),
        ("A venda de armas de fogo cresceu no país.", False),
        ("A Alemanha aprovou a exportação de tanques Leopard para a Polônia", True),
        ("Os EUA vão fornecer mísseis Patriot à Ucrânia", True),
        ("A Ucrânia pediu uma reunião do Conselho de Segurança após o ataque com mísseis.", False),
        ("Chegaram os primeiros turistas à ilha.", False),
        ("A FAB recebeu o primeiro KC-390 fabricado pela Embraer.", False),
        ("O Exército recebeu os primeiros blindados Guarani fabricados no Brasil.", False),
        ("O Brasil enviou navios de guerra para a costa.", False),
        ("A Embraer entregou o primeiro KC-390 à Força Aérea Brasileira.", False),
        ("Chegaram novos ataques com mísseis a Kiev.", False),
        # issue 8, second arms round: donations, hand-overs, contracts with a state abroad
        ("Dinamarca vai doar toda a sua artilharia à Ucrânia", True),
        ("Portugal vai entregar três tanques Leopard 2 à Ucrânia", True),
        ("As Filipinas assinaram um contrato com a Coreia do Sul para comprar duas fragatas", True),
        ("A polícia apreendeu armas e munições numa operação.", False),
        # weapons arriving in the receiving country, and a seized shipment
        ("Chega a Israel novo carregamento de armas dos EUA", True),
        # issue 8, fourth arms round: headlines of the commonest stories and their near misses
        ("Os EUA aprovam a venda de caças F-16 para a Turquia.", True),
        ("A Alemanha vai enviar mais tanques Leopard para a Ucrânia.", True),
        ("O Irã forneceu drones à Rússia, segundo Washington.", True),
        ("A Ucrânia recebeu os primeiros caças F-16.", True),
        ("O Brasil vende caças Super Tucano para Portugal.", True),
        ("O Brasil recusou vender munições para a Ucrânia.", True),
        ("A polícia apreendeu armas e munições em uma operação no Rio.", False),
        # issue 8, fourth arms round: wordings read in real news (a military deal, a package of
        # weapons, defence exports, equipment ceded) and seizures
        ("O Brasil não enviará munições para tanques à Ucrânia, disse o chanceler", True),
    ],
    # Turkish: transfers as wire copy reports them, and the near misses
    "tr": [
        ("Almanya, Ukrayna'ya Leopard 2 tankları gönderecek", True),
        ("ABD, Ukrayna'ya yeni askeri yardım paketi açıkladı", True),
        ("İran'ın Rusya'ya İHA tedarik ettiği iddia edildi", True),
        ("Kuzey Kore'nin Rusya'ya milyonlarca top mermisi gönderdiği belirtildi", True),
        ("ABD, Türkiye'ye F-16 satışını onayladı", True),
        ("Türkiye, İngiltere'den 40 Eurofighter alacak", True),
        ("Türkiye ile İngiltere arasında Eurofighter anlaşması imzalandı", True),
        ("Ukrayna ilk F-16 savaş uçaklarını teslim aldı", True),
        ("İlk F-16'lar Ukrayna'ya ulaştı", True),
        ("Almanya İsrail'e silah ihracatını durdurdu", True),
        ("AB, Rusya'ya silah ambargosunu uzattı", True),
        ("Baykar, Kuveyt'e Bayraktar TB2 ihraç edecek", True),
        ("Türkiye, Pakistan'a korvet teslim etti", True),
        ("Zelenskiy, Batı'dan daha fazla hava savunma sistemi istedi", True),
        ("ABD, İsrail'e bomba sevkiyatını durdurdu", True),
        ("Endonezya, Türkiye'den 48 KAAN savaş uçağı satın alacak", True),
        ("Kuzey Kore iki balistik füze fırlattı.", False),
        ("Polis operasyonda silah ve mühimmat ele geçirdi.", False),
        ("Rusya Kiev'e füze saldırısı düzenledi.", False),
        ("Yakıt tankı patladı.", False),
        ("Maçta kolunu kırdı.", False),
        ("TSK, yerli üretim ATAK helikopterlerini teslim aldı ve envanterine kattı.", False),
        ("Rusya, Hindistan'ın başlıca silah tedarikçisi, yeni yaptırımlar açıkladı.", False),
        ("Almanya Ukrayna'ya IRIS-T hava savunma sistemi teslim etti", True),
        ("ABD Kongresi, Türkiye'ye F-16 satışını onayladı", True),
        ("Almanya, Ukrayna'ya Leopard tankı gönderme kararı aldı.", True),
        ("Bayraktar TB2'ler Ukrayna'ya teslim edildi.", True),
        ("Pentagon, Ukrayna'ya Patriot hava savunma sistemi verecek.", True),
        ("Kuzey Kore, Rusya'ya füze tedarik ediyor.", True),
        ("Yunanistan, Fransa'dan Rafale savaş uçağı satın aldı.", True),
        ("Mısır, Almanya'dan denizaltı alıyor.", True),
        ("Savunma sanayii ihracatı 7 milyar doları aştı.", True),
        ("Türkiye, Eurofighter Typhoon alımı için İngiltere ile anlaştı.", True),
        ("ABD'nin İsrail'e bomba gönderdiği ortaya çıktı.", True),
        ("Hollanda Ukrayna'ya F-16 verecek.", True),
        ("İran'ın Rusya'ya balistik füze gönderdiği bildirildi.", True),
        ("Türkiye, Endonezya'ya KAAN savaş uçağı satacak.", True),
        ("ABD F-16'ları hedef aldı.", False),
        ("İlk turistler adaya ulaştı.", False),
        ("Rusya, Kiev'e füze saldırısı düzenledi; Zelenskiy kınadı.", False),
        (
            "Ukrayna, BM Güvenlik Konseyi'nin toplanmasını talep etti; Rus füzeleri şehri vurdu.",
            False,
        ),
        ("TSK, yerli üretim yeni tankları teslim aldı.", False),
        ("Türkiye, Akdeniz'e savaş gemileri gönderdi.", False),
        ("ABD, Orta Doğu'ya savaş uçakları gönderdi.", False),
        ("Aselsan, Türk Silahlı Kuvvetleri'ne yeni hava savunma sistemleri teslim etti.", False),
        ("Savunma Bakanlığı, yeni tatbikat takvimini açıkladı.", False),
        ("Rusya, Ukrayna'ya füze ve İHA ile saldırdı.", False),
        ("İsrail ordusu Gazze'ye bomba yağdırdı.", False),
        ("Rusya'dan atılan füzeler Kiev'i hedef aldı.", False),
        ("Ukrayna'ya İHA ile saldırı düzenlendi.", False),
        # a weapons package, bought from abroad in the participle, a new batch arriving, a weapon
        # to be given in a relative clause; missiles Russia "sent" to Ukraine are an attack
        ("ABD, Ukrayna'ya 2 milyar dolarlık yeni silah paketi açıkladı", True),
        ("Rusya'nın Kuzey Kore'den balistik füze aldığı bildirildi", True),
        ("ABD Dışişleri Bakanlığı, Polonya'ya 96 Apache helikopteri satışına onay verdi", True),
        ("Katar, Türkiye'den 100 adet Altay tankı satın alacak", True),
        ("Kiev'e yeni Patriot bataryaları ulaştı", True),
        ("Almanya'nın Ukrayna'ya vereceği Taurus füzeleri tartışma yarattı", True),
        ("Rusya'nın Ukrayna'ya gönderdiği füzeler sivilleri vurdu", False),
        ("Rusya Ukrayna'ya füze gönderdi, iki sivil öldü", False),
        ("Kuzey Kore'den gelen füzeleri hedef aldığı açıklandı", False),
        # issue 8, second arms round: donations, hand-overs, contracts with a state abroad
        ("Danimarka, tüm topçu sistemlerini Ukrayna'ya bağışlayacak", True),
        ("Norveç, Ukrayna'ya NASAMS hava savunma sistemi verecek", True),
        ("Endonezya, Türkiye ile 48 KAAN savaş uçağı için sözleşme imzaladı", True),
        ("Baykar, Kuveyt'e Bayraktar TB2 teslimatını tamamladı", True),
        ("İlk Patriot sistemleri Polonya'ya ulaştı", True),
        ("Polis, operasyonda çok sayıda silah ele geçirdi.", False),
        ("Rusya ve ABD silah kontrolü görüşmelerine yeniden başladı.", False),
        ("Rusya ve ABD, yeni silah kontrolü anlaşması için görüşecek.", False),
        ("Polonya, Güney Kore'den K2 tankları satın almak için anlaşma imzaladı.", True),
        # kit handed to the country's own forces by its own makers (domestic), and an export
        ("ASELSAN, Hava Kuvvetleri'ne yeni hava savunma sistemi teslim etti", False),
        ("ASELSAN, Pakistan Hava Kuvvetleri'ne hava savunma sistemi teslim etti", True),
        # issue 8, fourth arms round: headlines of the commonest stories and their near misses
        ("ABD, Türkiye'ye F-16 satışını onayladı.", True),
        ("Almanya Ukrayna'ya yeni hava savunma sistemleri gönderecek.", True),
        ("İran'ın Rusya'ya İHA sağladığı iddia edildi.", True),
        ("Türkiye, Endonezya'ya 48 KAAN savaş uçağı satacak.", True),
        ("Ukrayna ilk F-16 savaş uçaklarını teslim aldı.", True),
        ("Baykar, Kuveyt'e Bayraktar TB2 ihraç etti.", True),
        ("Rusya, Kiev'e füze saldırısı düzenledi.", False),
        ("Polis operasyonda çok sayıda silah ele geçirdi.", False),
        # issue 8, fourth arms round: wordings read in real news (a military deal, a package of
        # weapons, defence exports, equipment ceded) and seizures
        ("Türkiye'nin savunma ve havacılık ihracatı ilk dört ayda 1 milyar doları aştı", True),
        ("Savunma sanayisi ihracatı geçen yıl rekor kırdı", True),
    ],
    # Arabic: transfers as wire copy reports them, and the near misses
    "ar": [
        ("ألمانيا تسلم أوكرانيا دبابات ليوبارد 2", True),
        ("واشنطن تعلن حزمة مساعدات عسكرية جديدة لأوكرانيا", True),
        ("إيران زودت روسيا بطائرات مسيرة", True),
        ("كوريا الشمالية أرسلت ملايين القذائف المدفعية إلى روسيا", True),
        ("بريطانيا تعلق صادرات الأسلحة إلى إسرائيل", True),
        ("وصول أول دفعة من مقاتلات إف-16 إلى أوكرانيا", True),
        ("مصر توقع صفقة لشراء 30 طائرة رافال من فرنسا", True),
        ("الولايات المتحدة توافق على بيع مقاتلات إف-35 للإمارات", True),
        ("واشنطن تعلق شحنة قنابل إلى إسرائيل", True),
        ("زيلينسكي يطلب المزيد من أنظمة الدفاع الجوي", True),
        ("روسيا تسلم الهند منظومة إس-400", True),
        ("تركيا تتسلم منظومة إس-400 الروسية", True),
        ("مجلس الأمن يمدد حظر الأسلحة على جنوب السودان", True),
        ("كوريا الشمالية تطلق صاروخين باليستيين", False),
        ("الشرطة تضبط أسلحة وذخائر في مداهمة", False),
        ("روسيا تقصف كييف بالصواريخ", False),
        ("انفجار خزان وقود في المصفاة", False),
        ("الولايات المتحدة توافق على صفقة بيع صواريخ باتريوت لسويسرا", True),
        ("ألمانيا ترسل منظومة باتريوت إلى أوكرانيا", True),
        ("زيلينسكي يطالب بعقد اجتماع لمجلس الأمن بعد الهجوم بالصواريخ", False),
        ("وصول أول دفعة من السياح إلى المدينة", False),
        ("أطلقت روسيا دفعة من الصواريخ على كييف", False),
        ("الشرطة تضبط شحنة أسلحة مهربة", False),
        ("أرسلت الولايات المتحدة سفنا حربية إلى البحر الأحمر", False),
        # issue 8, second arms round: donations, hand-overs, contracts with a state abroad
        ("الدنمارك تتبرع بكل مدفعيتها لأوكرانيا", True),
        ("مصر توقع عقدا لشراء فرقاطتين من إيطاليا", True),
        ("النرويج تسلم أوكرانيا منظومات ناسامز للدفاع الجوي", True),
        ("وصول شحنة أسلحة أمريكية جديدة إلى إسرائيل", True),
        ("القوات المسلحة المصرية تتسلم دفعة جديدة من المدرعات محلية الصنع", False),
        ("الشرطة تضبط أسلحة وذخائر في مداهمة بالقاهرة", False),
        ("وزارة الدفاع توقع عقدا مع شركة محلية لتصنيع الذخائر", False),
        ("الولايات المتحدة توافق على صفقة بيع مقاتلات إف-16 لتركيا", True),
        # Rafale handed over, a first batch received, supplied (供給), a jet arriving
        ("فرنسا تسلم مصر دفعة جديدة من طائرات رافال", True),
        # issue 8, fourth arms round: headlines of the commonest stories and their near misses
        ("الولايات المتحدة توافق على بيع مقاتلات إف 16 لتايوان", True),
        ("ألمانيا ترسل أنظمة دفاع جوي إلى أوكرانيا", True),
        ("مصر توقع صفقة لشراء طائرات رافال من فرنسا", True),
        ("واشنطن تعلق شحنة قنابل لإسرائيل", True),
        ("روسيا تطلق صواريخ على كييف", False),
        # issue 8, fourth arms round: wordings read in real news (a military deal, a package of
        # weapons, defence exports, equipment ceded) and seizures
        (
            "واشنطن تستعد لإعلان صفقة عسكرية ضخمة مع الرياض تشمل دبابات أبرامز ومنظومات دفاع جوي",
            True,
        ),
        ("الكونغرس يراجع صفقة لتسليح المملكة العربية السعودية بقيمة 60 مليار دولار", True),
        ("الرياض توافق على شراء ذخائر موجهة من شركات أمريكية", True),
        ("الولايات المتحدة تعد حزمة جديدة من الأسلحة لأوكرانيا", True),
        (
            "الجمارك تضبط حاويتين بداخلهما آلاف المسدسات ضمن شحنة أسلحة نارية قادمة من الخارج",
            False,
        ),
        ("قوات مكافحة التهريب تعترض سيارة تحمل شحنة أسلحة وذخائر على الحدود", False),
        ("الجيش الإسرائيلي يعترض صاروخا أطلق من اليمن والحوثيون يتبنون هجمات بالمسيرات", False),
    ],
    # Chinese: transfers as wire copy reports them, and the near misses
    "zh": [
        ("美国宣布向乌克兰提供新一轮军事援助", True),
        ("德国将向乌克兰交付豹2坦克", True),
        ("伊朗向俄罗斯提供无人机", True),
        ("朝鲜向俄罗斯运送数百万发炮弹", True),
        ("美国国务院批准对台军售", True),
        ("首批F-16战斗机抵达乌克兰", True),
        ("印度从俄罗斯购买S-400防空系统", True),
        ("德国拒绝向乌克兰提供金牛座导弹", True),
        ("美国暂停向以色列运送炸弹", True),
        ("泽连斯基呼吁西方提供更多防空系统", True),
        ("欧盟延长对俄武器禁运", True),
        ("中国向巴基斯坦交付歼-10C战斗机", True),
        ("朝鲜发射两枚弹道导弹", False),
        ("警方查获枪支弹药", False),
        ("俄罗斯向基辅发射导弹", False),
        ("长城汽车坦克300上市", False),
        ("油罐起火", False),
        ("美国批准向台湾出售F-16战斗机", True),
        ("德国向乌克兰交付爱国者防空系统", True),
        ("警方查获一批枪支弹药", False),
        ("首批游客抵达三亚", False),
        ("俄罗斯向乌克兰发射导弹和无人机", False),
        ("中国从美国进口大豆", False),
        ("长城汽车坦克300首批交付", False),
        ("美国向中东派遣战斗机", False),
        ("中国航空工业集团向空军交付新型战斗机。", False),
        # issue 8, second arms round: donations, hand-overs, contracts with a state abroad
        ("丹麦将把全部火炮捐赠给乌克兰", True),
        ("挪威将向乌克兰移交NASAMS防空系统", True),
        ("菲律宾与韩国签署两艘护卫舰采购合同", True),
        ("首批K2坦克运抵波兰", True),
        ("中国船厂向海军交付新型驱逐舰", False),
        ("警方在行动中缴获大量枪支弹药", False),
        ("巴基斯坦与中国签署潜艇采购合同", True),
        ("中国海军接收国产新型护卫舰", False),
        ("美俄恢复核军控谈判", False),
        # Rafale handed over, a first batch received, supplied (供給), a jet arriving
        ("乌克兰收到首批F-16战斗机", True),
        # issue 8, fourth arms round: headlines of the commonest stories and their near misses
        ("德国将向乌克兰交付更多防空系统", True),
        ("朝鲜向俄罗斯运送炮弹", True),
        ("美国宣布对台军售", True),
        ("朝鲜试射弹道导弹", False),
    ],
    # Japanese: transfers as wire copy reports them, and the near misses
    "ja": [
        ("米国、ウクライナへの追加軍事支援を発表", True),
        ("ドイツ、ウクライナに戦車「レオパルト2」を供与へ", True),
        ("イラン、ロシアに無人機を供与", True),
        ("北朝鮮がロシアに砲弾数百万発を提供", True),
        ("米国務省、台湾への武器売却を承認", True),
        ("F16戦闘機、ウクライナに初めて到着", True),
        ("日本、パトリオットミサイルを米国に輸出へ", True),
        ("ゼレンスキー氏、防空システムの追加供与を要請", True),
        ("米国、イスラエルへの爆弾輸送を一時停止", True),
        ("ドイツ、ウクライナへの巡航ミサイル供与を拒否", True),
        ("インドがロシアからS400を購入", True),
        ("北朝鮮が弾道ミサイル2発を発射", False),
        ("警察が拳銃と実弾を押収", False),
        ("ロシアがキーウにミサイル攻撃", False),
        ("石油タンクで火災", False),
        ("政府は円借款を供与する", False),
        ("ドイツがウクライナにパトリオットを供与", True),
        ("米政府、台湾へのF16売却を承認", True),
        ("北朝鮮が弾道ミサイルを発射した", False),
        ("ロシアがウクライナにミサイル攻撃", False),
        ("日本は米国から牛肉を輸入した", False),
        ("米軍のF35戦闘機が嘉手納基地に到着", False),
        ("政府は円借款を供与する", False),
        ("米国は中東に戦闘機を派遣した", False),
        ("三菱重工は護衛艦を海上自衛隊に引き渡した。", False),
        # issue 8, second arms round: donations, hand-overs, contracts with a state abroad
        ("デンマーク、保有する全ての火砲をウクライナに供与へ", True),
        ("ノルウェー、ウクライナにNASAMSを引き渡し", True),
        ("フィリピン、韓国からフリゲート艦2隻を購入する契約に署名", True),
        ("防衛省、国産の12式地対艦誘導弾を陸上自衛隊に配備", False),
        ("警察が拳銃と実弾を押収した", False),
        ("ポーランド、韓国からK2戦車を追加購入へ", True),
        ("陸上自衛隊、国産の16式機動戦闘車を受領", False),
        ("米ロが核軍縮交渉を再開", False),
        # weapons arriving in the receiving country, and a seized shipment
        ("米国の武器がイスラエルに到着", True),
        # Rafale handed over, a first batch received, supplied (供給), a jet arriving
        ("イランがロシアに弾道ミサイルを供給", True),
        ("ウクライナにF16戦闘機が到着", True),
        # issue 8, fourth arms round: headlines of the commonest stories and their near misses
        ("米国は台湾へのF16戦闘機の売却を承認した", True),
        ("ドイツはウクライナに防空システムを供与する", True),
        ("イランがロシアに無人機を供与した", True),
        ("北朝鮮がロシアに砲弾を提供", True),
        ("ウクライナにF16戦闘機が到着した", True),
    ],
    # Korean: transfers as wire copy reports them, and the near misses
    "ko": [
        ("미국, 우크라이나에 새 군사지원 패키지 발표", True),
        ("독일, 우크라이나에 레오파르트2 전차 지원", True),
        ("이란, 러시아에 드론 공급", True),
        ("북한, 러시아에 포탄 수백만 발 제공", True),
        ("폴란드, 한국산 K2 전차 180대 구매 계약", True),
        ("한국, 폴란드에 K9 자주포 수출", True),
        ("우크라이나에 F-16 전투기 첫 도착", True),
        ("미국, 이스라엘에 폭탄 선적 중단", True),
        ("젤렌스키, 서방에 방공 시스템 추가 요청", True),
        ("정부, 우크라이나에 살상무기 지원 검토", True),
        ("북한, 탄도미사일 2발 발사", False),
        ("경찰, 총기와 실탄 압수", False),
        ("러시아, 키이우에 미사일 공격", False),
        ("기름 탱크 화재", False),
        ("독일, 우크라이나에 패트리엇 방공시스템 지원", True),
        ("미 국무부, 대만에 F-16 판매 승인", True),
        ("북한이 탄도미사일을 발사했다", False),
        ("러시아가 우크라이나에 미사일 공격을 가했다", False),
        ("우크라이나, 유엔 안보리 소집 요청…러시아 미사일 공습", False),
        ("육군이 국산 K2 전차를 인수했다", False),
        ("폴란드 대통령이 한국을 방문했다", False),
        ("이스라엘에 도착한 관광객들이 미사일 경보에 대피했다", False),
        ("미국은 중동에 전투기를 파견했다", False),
        ("한화에어로스페이스가 육군에 K9 자주포를 인도했다.", False),
        # issue 8, second arms round: donations, hand-overs, contracts with a state abroad
        ("덴마크, 보유 자주포 전량 우크라이나에 기증", True),
        ("노르웨이, 우크라이나에 NASAMS 방공체계 인도", True),
        ("필리핀, 한국과 호위함 2척 구매 계약 체결", True),
        ("폴란드에 K2 전차 첫 물량 도착", True),
        ("육군, 국산 K9 자주포 추가 배치", False),
        ("경찰, 불법 총기 밀반입 조직 검거하고 총기 압수", False),
        ("방위사업청, 국산 전투기 KF-21 양산 계약 체결", False),
        ("미국과 러시아, 핵군축 협상 재개", False),
        ("루마니아, 한국산 K9 자주포 도입 계약 체결", True),
        # weapons arriving in the receiving country, and a seized shipment
        ("미국산 무기, 이스라엘에 도착", True),
        # issue 8, fourth arms round: headlines of the commonest stories and their near misses
        ("미국, 대만에 F-16 전투기 판매 승인", True),
        ("북한, 러시아에 포탄 공급", True),
        ("폴란드, 한국산 K2 전차 추가 구매 계약", True),
        ("독일, 우크라이나에 방공 시스템 지원", True),
        ("이란이 러시아에 드론을 제공했다", True),
        # issue 8, fourth arms round: wordings read in real news (a military deal, a package of
        # weapons, defence exports, equipment ceded) and seizures
        ("폴란드, 한국산 K2 전차 180대 추가 구매 합의", True),
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


def test_every_language_asked_for_has_a_battery() -> None:
    asked = {"en", "es", "fr", "de", "ru", "uk", "it", "pt", "tr", "ar", "zh", "ja", "ko"}
    assert asked <= set(BATTERIES)


# Stories as the matcher sees them (title, text): a transfer mentioned in passing in a story about
# something else, told in a relative clause or as a habit (topics.md: passing mentions and
# descriptors are no alert), and transfer stories that also carry such a clause (their title names
# the weapon, the aid or the transfer, or the transfer is told in a main clause too).
PASSAGES: list[tuple[str, str, bool]] = [
    (
        "Germany to send more IRIS-T systems to Ukraine",
        "Germany, which has supplied Ukraine with Leopard tanks, will send four more "
        "IRIS-T air defence systems, the defence ministry said on Monday.",
        True,
    ),
    (
        "Germany pledges more aid for Kyiv",
        "Germany, which has supplied Ukraine with Leopard tanks, will send four more "
        "IRIS-T air defence systems, the defence ministry said on Monday.",
        True,
    ),
    (
        "US approves F-16 sale to Turkey",
        "The United States approved the sale of 40 F-16 jets to Turkey, which bought "
        "the Russian S-400 system in 2019.",
        True,
    ),
    (
        "Iran sent missiles to Russia, US says",
        "Iran, which has supplied Russia with Shahed drones, has now shipped "
        "ballistic missiles to Moscow, US officials said.",
        True,
    ),
    (
        "North Korea ships shells to Russia",
        "North Korea, which denies the charge, has sent more than a million artillery"
        " shells to Russia, Seoul said.",
        True,
    ),
    (
        "Poland to buy more Korean tanks",
        "Poland, which bought 180 K2 tanks last year, signed a deal for 180 more with"
        " Hyundai Rotem.",
        True,
    ),
    (
        "Sweden sends Archer howitzers",
        "Sweden, which joined NATO last year, will send Archer howitzers to Ukraine, "
        "the government said.",
        True,
    ),
    (
        "Netherlands delivers first F-16s",
        "The Netherlands, which has pledged 24 F-16 jets, delivered the first of them"
        " to Ukraine on Friday.",
        True,
    ),
    (
        "New package for Kyiv",
        "The United States, which has provided more than $60 billion in military aid "
        "to Ukraine, announced a new package worth $400 million including HIMARS "
        "ammunition.",
        True,
    ),
    (
        "Russia accuses the West",
        "Moscow accused the West, which it says supplies Kyiv with weapons, of prolonging the war.",
        True,
    ),
    (
        "Election in Hungary",
        "Voters in Hungary go to the polls on Sunday. Prime Minister Viktor Orban, "
        "whose government has refused to send weapons to Ukraine, is seeking a fifth "
        "term. Polls show the opposition gaining ground in Budapest, and inflation "
        "remains the main concern of voters.",
        False,
    ),
    (
        "India's economy grows 7 percent",
        "India's economy grew 7.2 percent in the last quarter, driven by "
        "manufacturing and services. The country, which buys most of its weapons from"
        " Russia, has also increased imports of Russian oil. Economists expect the "
        "central bank to hold rates.",
        False,
    ),
    (
        "Turkey's lira slides",
        "The Turkish lira fell to a record low on Monday. Ankara, which bought the "
        "S-400 air defence system from Russia in 2019, has been under US sanctions "
        "since. Investors worry about the central bank's independence.",
        False,
    ),
    (
        "Poland's presidential race",
        "Poland's presidential race tightened on Friday. The country, which supplied "
        "Ukraine with tanks last year, has become one of NATO's biggest defence "
        "spenders. The candidates clashed over farm subsidies and migration.",
        False,
    ),
    (
        "Floods in Pakistan",
        "Floods have killed more than 200 people in Pakistan. The army has deployed "
        "helicopters to rescue stranded villagers. Pakistan, a major buyer of Chinese"
        " fighter jets, has asked for international aid.",
        False,
    ),
    (
        "Saudi crown prince meets investors",
        "Saudi Arabia's crown prince met foreign investors in Riyadh. The kingdom, "
        "one of the largest buyers of US arms, is trying to diversify its economy "
        "away from oil. Tourism and mining were discussed.",
        False,
    ),
    (
        "Egypt raises fuel prices",
        "Egypt raised fuel prices by 15 percent on Friday. The country, which signed "
        "a deal with France for Rafale jets in 2021, is struggling with a foreign "
        "currency shortage. The IMF is expected to release a new loan tranche.",
        False,
    ),
    (
        "Israel's coalition crisis",
        "Israel's coalition was in crisis on Monday after two parties threatened to "
        "quit over a draft law. The United States, which provides Israel with "
        "billions of dollars in military aid every year, urged calm. Netanyahu's "
        "allies called for new elections.",
        False,
    ),
    (
        "Germany's economy shrinks",
        "Germany's economy shrank for a second quarter. Exporters of cars and "
        "machinery suffered most. Berlin, Ukraine's second-largest supplier of "
        "weapons, also faces a budget gap. The chancellor promised tax relief.",
        False,
    ),
    (
        "Taiwan's chip exports hit record",
        "Taiwan's exports of semiconductors hit a record in October. Demand for AI "
        "chips drove the growth. The island, which buys weapons from the United "
        "States, faces growing pressure from China. Economists raised their growth "
        "forecasts.",
        False,
    ),
    (
        "Brazil's football chief resigns",
        "Brazil's football federation president resigned on Monday after a court "
        "ruling. The federation has been in turmoil for months. In unrelated news, "
        "Embraer shares rose.",
        False,
    ),
    (
        "Obituary: former defence minister dies",
        "The former defence minister, who negotiated the sale of frigates to Greece "
        "in the 1990s, died on Sunday at 88. He later taught history at the "
        "university and wrote three novels.",
        False,
    ),
    (
        "Strike at the port",
        "Dockworkers at the port of Antwerp went on strike on Monday over pay. Ships "
        "carrying cars, grain and containers were stuck. The union said the strike "
        "would last three days.",
        False,
    ),
    (
        "Philippines typhoon",
        "A typhoon killed 40 people in the central Philippines. The United States, "
        "which supplied the Philippine navy with patrol boats last year, sent "
        "military aircraft to help with relief.",
        False,
    ),
    (
        "Markets: defence stocks",
        "European defence stocks rose on Monday. Rheinmetall gained 4 percent and BAE"
        " Systems 2 percent after analysts raised their targets. Oil prices fell.",
        False,
    ),
    (
        "Serbian protest",
        "Thousands protested in Belgrade against the government on Saturday. The "
        "protesters demand new elections. Serbia, which buys arms from both Russia "
        "and China, balances between East and West.",
        False,
    ),
    (
        "Australia's central bank",
        "Australia's central bank held rates at 4.35 percent. The governor said "
        "inflation remained too high. Australia, which agreed to buy nuclear-powered "
        "submarines from the US under the AUKUS pact, faces a tight budget.",
        False,
    ),
    # the same in Spanish, French, Italian and Portuguese
    (
        "Alemania enviará más sistemas IRIS-T a Ucrania",
        "Alemania, que ya ha suministrado tanques Leopard a Ucrania, enviará cuatro "
        "sistemas IRIS-T más, dijo el ministerio.",
        True,
    ),
    (
        "La France livrera des Mirage à l'Ukraine",
        "La France, qui a déjà livré des canons Caesar à l'Ukraine, livrera des "
        "Mirage 2000 d'ici l'été, a annoncé le ministre.",
        True,
    ),
    (
        "L'Italia invierà un nuovo pacchetto per Kiev",
        "L'Italia, che ha già inviato sistemi SAMP/T a Kiev, invierà un nuovo "
        "pacchetto di aiuti militari.",
        True,
    ),
    (
        "Portugal vai enviar tanques à Ucrânia",
        "Portugal, que já enviou blindados, vai enviar três tanques Leopard 2 à "
        "Ucrânia, disse o governo.",
        True,
    ),
    (
        "España venderá corbetas a Arabia Saudí",
        "El Gobierno aprobó la venta de cinco corbetas a Arabia Saudí, que compró en "
        "2018 bombas de precisión a España.",
        True,
    ),
    (
        "Le Maroc achète des Caesar",
        "Le Maroc, qui achète la plupart de ses armes aux États-Unis, a commandé 36 "
        "canons Caesar à la France.",
        True,
    ),
    (
        "Elecciones en Hungría",
        "Los húngaros votan el domingo. Orbán, cuyo gobierno se ha negado a enviar "
        "armas a Ucrania, busca un quinto mandato. La inflación preocupa a los "
        "votantes.",
        False,
    ),
    (
        "Présidentielle en Pologne",
        "La course présidentielle se resserre en Pologne. Le pays, qui a livré des "
        "chars à l'Ukraine l'an dernier, est devenu l'un des plus gros budgets de "
        "défense de l'OTAN.",
        False,
    ),
    (
        "Elezioni in Ungheria",
        "Gli ungheresi votano domenica. Orbán, il cui governo ha rifiutato di inviare"
        " armi all'Ucraina, cerca un quinto mandato.",
        False,
    ),
    (
        "Inflação na Turquia",
        "A lira turca caiu. Ancara, que comprou o sistema S-400 da Rússia em 2019, "
        "está sob sanções americanas.",
        False,
    ),
    # German: a participle right before hat or haben, 'dessen Regierung', 'den Großteil seiner'
    (
        "Wahl in Polen",
        "Das Rennen um die Präsidentschaft in Polen wird enger. Das Land, das der "
        "Ukraine im vergangenen Jahr Panzer geliefert hat, gibt viel für Verteidigung"
        " aus.",
        False,
    ),
    (
        "Wirtschaft in Indien wächst",
        "Indiens Wirtschaft wuchs um 7 Prozent. Das Land, das den Großteil seiner "
        "Waffen von Russland kauft, importiert auch mehr russisches Öl.",
        False,
    ),
    (
        "Ungarn wählt",
        "Die Ungarn wählen am Sonntag. Orbán, dessen Regierung sich weigert, Waffen "
        "an die Ukraine zu liefern, will eine fünfte Amtszeit.",
        False,
    ),
    (
        "Deutschland liefert weitere IRIS-T an die Ukraine",
        "Deutschland, das der Ukraine bereits Leopard-Panzer geliefert hat, schickt "
        "vier weitere IRIS-T-Systeme, teilte das Ministerium mit.",
        True,
    ),
    (
        "Neue Hilfe für Kiew",
        "Die Niederlande, die bereits F-16 geliefert haben, sagen der Ukraine weitere"
        " Kampfjets und Munition zu.",
        True,
    ),
    (
        "Berlin genehmigt Export",
        "Die Bundesregierung genehmigte die Lieferung von Eurofighter-Kampfjets an "
        "Saudi-Arabien, das 2019 Waffen aus Deutschland gekauft hatte.",
        True,
    ),
    # a relative clause with no weapon near it ("who received Zelensky", "which got into a
    # crisis") is no passing mention: the transfer in the same story still counts
    (
        "Zelensky meets Biden at the White House",
        "Ukrainian President Volodymyr Zelensky met President Joe Biden on Thursday. Biden, "
        "who received Zelensky in the Oval Office, announced $325 million in new military aid, "
        "including air defence and artillery ammunition. Zelensky also met lawmakers who "
        "agreed to keep supporting Kyiv.",
        True,
    ),
    (
        "Biden hosts Zelensky",
        "President Biden, who met Zelensky for the third time, said the United States would "
        "send Ukraine a Patriot battery and more artillery shells.",
        True,
    ),
    (
        "Austin visits Kyiv",
        "Defense Secretary Lloyd Austin, who arrived in Kyiv on an unannounced trip, pledged "
        "$100 million in new weapons for Ukraine, including air defence interceptors.",
        True,
    ),
    (
        "Netherlands: cabinet falls",
        "The Dutch government, which got into a crisis over migration, said on Friday it will "
        "still deliver the remaining F-16 fighter jets to Ukraine this year.",
        True,
    ),
    # a 1990s arms deal as background (Zuma's trial over it) under a title of something else,
    # and a story about the affair itself
    (
        "Former South African President Jacob Zuma hands himself in to police",
        "He pleaded not guilty last month in a separate corruption trial focused on an arms deal "
        "in 1999 when he was deputy president.",
        False,
    ),
    (
        "South Africa: the president's 'stolen' millions",
        "Zuma is currently facing trial in another case involving a $2 billion arms deal in the "
        "1990s, with the French defence firm Thales.",
        False,
    ),
    (
        "Zuma's arms deal corruption trial postponed again",
        "The trial over bribes paid by Thales in the 1999 arms deal was postponed to next month.",
        True,
    ),
    # arms sales as a habit or a descriptor, in a story about something else, and a sale story
    (
        "Both sides of the Taiwan Strait watch the crisis",
        "American support for the island, including hundreds of millions of dollars in arms sales "
        "over the decades, has long been an irritant in relations with China.",
        False,
    ),
    (
        "Lavrov is a pariah at the G20, but only for some",
        "India has friendly relations with Moscow, a longtime patron and source of arms sales.",
        False,
    ),
    (
        "US approves new arms sales to Taiwan",
        "The State Department approved $500 million in arms sales to Taiwan, adding to those "
        "made over the decades.",
        True,
    ),
    (
        "Biden meets Xi in Bali",
        "Washington approved new arms sales to Taiwan worth $1.1 billion, officials said.",
        True,
    ),
    # volunteers packing protective gear and hobby drones for the front, and drones of an army
    (
        "Canadians travel to Ukraine to help fight",
        "Young Ukrainians pack suitcases full of boots, gloves and other protective gear, as well "
        "as drones, to be sent to Ukraine to aid the fight.",
        False,
    ),
    (
        "Iran's drones for Russia",
        "Hundreds of attack drones were shipped to Russia from Iran last month, officials said.",
        True,
    ),
    (
        "South Africa signs new deal with Brazil",
        "South Africa signed an arms deal with Brazil on Monday for 20 armoured vehicles, the "
        "ministry said.",
        True,
    ),
]


@pytest.mark.parametrize(("title", "text", "expected"), PASSAGES)
def test_a_transfer_told_in_passing_is_no_alert_and_a_story_about_one_is(
    title: str, text: str, expected: bool
) -> None:
    document = MatchDocument.build(title=title, text=text)
    assert (ARMS in {m.topic for m in pack_matcher().match(document)}) is expected, title
