/*
 * chat-pickup: the customer's chat widget. Hand-written, no framework, no build step.
 *
 *   <script src="https://chat.example.com/widget.js" data-topic-id="1" async></script>
 *
 * data-topic-id (required): the chat topic; data-lang: a language instead of the browser's;
 * data-offline-url: a page of yours the "Leave a message" link opens when no chat can start.
 * The service is wherever this script came from (https://chat.example.com/acme/widget.js
 * talks to https://chat.example.com/acme/). The widget lives in a shadow root, styled only
 * by widget.css from the same place: no inline styles, no eval, no inline handlers.
 * The file is ASCII (other characters as \u escapes) so it reads right on a page of any
 * charset. docs/widget.md describes it.
 */
(function () {
  'use strict';

  // --- Which script element is ours (document.currentScript is null for async scripts
  // run after parsing, and in some loaders) ---------------------------------------------
  function ours(el) {
    return !!el && el.hasAttribute('data-topic-id') &&
      !el.hasAttribute('data-chat-pickup') && /widget\.js(?:[?#]|$)/.test(el.src || '');
  }
  var script = document.currentScript;
  if (!ours(script)) {
    script = null;
    var all = document.querySelectorAll('script[data-topic-id]');
    for (var i = 0; i < all.length && !script; i++) if (ours(all[i])) script = all[i];
  }
  if (!script) return;
  script.setAttribute('data-chat-pickup', '');

  var TOPIC = (script.getAttribute('data-topic-id') || '').trim();
  if (!/^\d+$/.test(TOPIC)) {
    if (window.console) console.error('chat-pickup widget: data-topic-id must be a number');
    return;
  }
  var SRC = new URL(script.src, location.href);
  var BASE = new URL('.', SRC).href; // https://svc/acme/widget.js -> https://svc/acme/
  var API = BASE + 'api/v1/Customer/';
  var OFFLINE = script.getAttribute('data-offline-url') || '';
  if (!/^https?:\/\//i.test(OFFLINE)) OFFLINE = '';
  var STORE = 'chat-pickup:' + BASE + ':' + TOPIC;

  // --- Languages: the service's twelve; English when the browser wants none of them ------
  var T = {
    en: {
      launcher: 'Chat with us', close: 'Minimise chat',
      intro: 'Ask us anything: an agent answers as soon as one is free.',
      details: 'Your details', name: 'Name', email: 'E-mail', optional: 'optional',
      consent: 'You may keep my name and e-mail address to follow up on this chat',
      message: 'Message', start: 'Start chat', retry: 'Try again', send: 'Send',
      end: 'End chat', again: 'Start a new chat', log: 'Conversation',
      queue: 'You are number {n} in the queue.', wait: 'Estimated wait: {t}.',
      mins: 'about {n} min', soon: 'less than a minute', waiting: 'Waiting for an agent\u2026',
      agent: 'You are chatting with {a}.', ended: 'The chat has ended.',
      byUser: 'The agent ended the chat.', byCustomer: 'You ended the chat.',
      byIdle: 'The chat was closed after a period of inactivity.', you: 'You',
      empty: 'Write your message first.', badEmail: 'Check the e-mail address.',
      kept: 'What you wrote is kept here: try again in a while.',
      leave: 'Leave a message', gone: 'This chat is no longer available.',
      closed: 'Chat is not available on this page.',
      offline: 'The chat service cannot be reached. Check your connection and try again.',
      lost: 'Connection lost: reconnecting\u2026',
      notSent: 'Not sent: press Send to try again.', newMsg: 'New message', sending: 'Sending\u2026'
    },
    no: {
      launcher: 'Chat med oss', close: 'Minimer chatten',
      intro: 'Sp\u00f8r oss om hva som helst: en medarbeider svarer s\u00e5 snart en er ledig.',
      details: 'Om deg', name: 'Navn', email: 'E-post', optional: 'valgfritt',
      consent: 'Dere kan ta vare p\u00e5 navnet og e-postadressen min for \u00e5 f\u00f8lge opp denne chatten',
      message: 'Melding', start: 'Start chat', retry: 'Pr\u00f8v igjen', send: 'Send',
      end: 'Avslutt chat', again: 'Start en ny chat', log: 'Samtale',
      queue: 'Du er nummer {n} i k\u00f8en.', wait: 'Forventet ventetid: {t}.',
      mins: 'ca. {n} min', soon: 'under ett minutt', waiting: 'Venter p\u00e5 en medarbeider \u2026',
      agent: 'Du chatter med {a}.', ended: 'Chatten er avsluttet.',
      byUser: 'Medarbeideren avsluttet chatten.', byCustomer: 'Du avsluttet chatten.',
      byIdle: 'Chatten ble lukket etter en periode uten aktivitet.', you: 'Du',
      empty: 'Skriv meldingen din f\u00f8rst.', badEmail: 'Sjekk e-postadressen.',
      kept: 'Det du skrev, er tatt vare p\u00e5 her: pr\u00f8v igjen om litt.',
      leave: 'Legg igjen en melding', gone: 'Denne chatten er ikke lenger tilgjengelig.',
      closed: 'Chat er ikke tilgjengelig p\u00e5 denne siden.',
      offline: 'F\u00e5r ikke kontakt med chattjenesten. Sjekk tilkoblingen og pr\u00f8v igjen.',
      lost: 'Forbindelsen ble brutt: kobler til p\u00e5 nytt \u2026',
      notSent: 'Ikke sendt: trykk Send for \u00e5 pr\u00f8ve igjen.', newMsg: 'Ny melding', sending: 'Sender \u2026'
    },
    de: {
      launcher: 'Chatten Sie mit uns', close: 'Chat minimieren',
      intro: 'Fragen Sie uns: Sobald jemand frei ist, antworten wir Ihnen.',
      details: 'Ihre Angaben', name: 'Name', email: 'E-Mail', optional: 'optional',
      consent: 'Sie d\u00fcrfen meinen Namen und meine E-Mail-Adresse speichern, um diesen Chat nachzuverfolgen',
      message: 'Nachricht', start: 'Chat starten', retry: 'Erneut versuchen', send: 'Senden',
      end: 'Chat beenden', again: 'Neuen Chat starten', log: 'Unterhaltung',
      queue: 'Sie sind Nummer {n} in der Warteschlange.', wait: 'Gesch\u00e4tzte Wartezeit: {t}.',
      mins: 'ca. {n} Min.', soon: 'weniger als eine Minute',
      waiting: 'Warten auf eine freie Ansprechperson \u2026',
      agent: 'Sie chatten mit {a}.', ended: 'Der Chat ist beendet.',
      byUser: 'Ihre Ansprechperson hat den Chat beendet.', byCustomer: 'Sie haben den Chat beendet.',
      byIdle: 'Der Chat wurde wegen Inaktivit\u00e4t geschlossen.', you: 'Sie',
      empty: 'Bitte schreiben Sie zuerst Ihre Nachricht.', badEmail: 'Bitte pr\u00fcfen Sie die E-Mail-Adresse.',
      kept: 'Ihr Text bleibt hier erhalten: Versuchen Sie es bald noch einmal.',
      leave: 'Nachricht hinterlassen', gone: 'Dieser Chat ist nicht mehr verf\u00fcgbar.',
      closed: 'Der Chat ist auf dieser Seite nicht verf\u00fcgbar.',
      offline: 'Der Chat-Dienst ist nicht erreichbar. Pr\u00fcfen Sie Ihre Verbindung und versuchen Sie es erneut.',
      lost: 'Verbindung unterbrochen: wird wiederhergestellt \u2026',
      notSent: 'Nicht gesendet: Mit \u201eSenden\u201c erneut versuchen.', newMsg: 'Neue Nachricht',
      sending: 'Wird gesendet \u2026'
    },
    sv: {
      launcher: 'Chatta med oss', close: 'Minimera chatten',
      intro: 'Fr\u00e5ga oss vad du vill: en medarbetare svarar s\u00e5 snart n\u00e5gon \u00e4r ledig.',
      details: 'Om dig', name: 'Namn', email: 'E-post', optional: 'valfritt',
      consent: 'Ni f\u00e5r spara mitt namn och min e-postadress f\u00f6r att f\u00f6lja upp chatten',
      message: 'Meddelande', start: 'Starta chatt', retry: 'F\u00f6rs\u00f6k igen', send: 'Skicka',
      end: 'Avsluta chatten', again: 'Starta en ny chatt', log: 'Konversation',
      queue: 'Du \u00e4r nummer {n} i k\u00f6n.', wait: 'Ber\u00e4knad v\u00e4ntetid: {t}.',
      mins: 'ca {n} min', soon: 'mindre \u00e4n en minut', waiting: 'V\u00e4ntar p\u00e5 en medarbetare \u2026',
      agent: 'Du chattar med {a}.', ended: 'Chatten har avslutats.',
      byUser: 'Medarbetaren avslutade chatten.', byCustomer: 'Du avslutade chatten.',
      byIdle: 'Chatten st\u00e4ngdes efter en tids inaktivitet.', you: 'Du',
      empty: 'Skriv ditt meddelande f\u00f6rst.', badEmail: 'Kontrollera e-postadressen.',
      kept: 'Det du skrev finns kvar h\u00e4r: f\u00f6rs\u00f6k igen om en stund.',
      leave: 'L\u00e4mna ett meddelande', gone: 'Den h\u00e4r chatten \u00e4r inte l\u00e4ngre tillg\u00e4nglig.',
      closed: 'Chatten \u00e4r inte tillg\u00e4nglig p\u00e5 den h\u00e4r sidan.',
      offline: 'Det g\u00e5r inte att n\u00e5 chattj\u00e4nsten. Kontrollera anslutningen och f\u00f6rs\u00f6k igen.',
      lost: 'Anslutningen br\u00f6ts: ansluter igen \u2026',
      notSent: 'Inte skickat: tryck p\u00e5 Skicka f\u00f6r att f\u00f6rs\u00f6ka igen.', newMsg: 'Nytt meddelande',
      sending: 'Skickar \u2026'
    },
    da: {
      launcher: 'Chat med os', close: 'Minimer chatten',
      intro: 'Sp\u00f8rg os om hvad som helst: en medarbejder svarer, s\u00e5 snart en er ledig.',
      details: 'Om dig', name: 'Navn', email: 'E-mail', optional: 'valgfrit',
      consent: 'I m\u00e5 gemme mit navn og min e-mailadresse for at f\u00f8lge op p\u00e5 denne chat',
      message: 'Besked', start: 'Start chat', retry: 'Pr\u00f8v igen', send: 'Send',
      end: 'Afslut chat', again: 'Start en ny chat', log: 'Samtale',
      queue: 'Du er nummer {n} i k\u00f8en.', wait: 'Forventet ventetid: {t}.',
      mins: 'ca. {n} min.', soon: 'under et minut', waiting: 'Venter p\u00e5 en medarbejder \u2026',
      agent: 'Du chatter med {a}.', ended: 'Chatten er afsluttet.',
      byUser: 'Medarbejderen afsluttede chatten.', byCustomer: 'Du afsluttede chatten.',
      byIdle: 'Chatten blev lukket efter en periode uden aktivitet.', you: 'Dig',
      empty: 'Skriv din besked f\u00f8rst.', badEmail: 'Tjek e-mailadressen.',
      kept: 'Det, du skrev, er gemt her: pr\u00f8v igen om lidt.',
      leave: 'Efterlad en besked', gone: 'Denne chat er ikke l\u00e6ngere tilg\u00e6ngelig.',
      closed: 'Chatten er ikke tilg\u00e6ngelig p\u00e5 denne side.',
      offline: 'Chattjenesten kan ikke n\u00e5s. Tjek forbindelsen, og pr\u00f8v igen.',
      lost: 'Forbindelsen blev afbrudt: genopretter \u2026',
      notSent: 'Ikke sendt: tryk p\u00e5 Send for at pr\u00f8ve igen.', newMsg: 'Ny besked', sending: 'Sender \u2026'
    },
    nl: {
      launcher: 'Chat met ons', close: 'Chat minimaliseren',
      intro: 'Stel ons je vraag: een medewerker antwoordt zodra er een vrij is.',
      details: 'Je gegevens', name: 'Naam', email: 'E-mail', optional: 'optioneel',
      consent: 'Jullie mogen mijn naam en e-mailadres bewaren om deze chat op te volgen',
      message: 'Bericht', start: 'Chat starten', retry: 'Opnieuw proberen', send: 'Versturen',
      end: 'Chat be\u00ebindigen', again: 'Nieuwe chat starten', log: 'Gesprek',
      queue: 'Je bent nummer {n} in de wachtrij.', wait: 'Geschatte wachttijd: {t}.',
      mins: 'ongeveer {n} min', soon: 'minder dan een minuut', waiting: 'Wachten op een medewerker\u2026',
      agent: 'Je chat met {a}.', ended: 'De chat is be\u00ebindigd.',
      byUser: 'De medewerker heeft de chat be\u00ebindigd.', byCustomer: 'Je hebt de chat be\u00ebindigd.',
      byIdle: 'De chat is gesloten wegens inactiviteit.', you: 'Jij',
      empty: 'Schrijf eerst je bericht.', badEmail: 'Controleer het e-mailadres.',
      kept: 'Wat je schreef blijft hier staan: probeer het straks opnieuw.',
      leave: 'Laat een bericht achter', gone: 'Deze chat is niet meer beschikbaar.',
      closed: 'De chat is niet beschikbaar op deze pagina.',
      offline: 'De chatdienst is niet bereikbaar. Controleer je verbinding en probeer het opnieuw.',
      lost: 'Verbinding verbroken: opnieuw verbinden\u2026',
      notSent: 'Niet verstuurd: klik op Versturen om het opnieuw te proberen.', newMsg: 'Nieuw bericht',
      sending: 'Wordt verstuurd\u2026'
    },
    fr: {
      launcher: 'Discutez avec nous', close: 'R\u00e9duire la discussion',
      intro: 'Posez-nous votre question\u00a0: un conseiller vous r\u00e9pond d\u00e8s qu\u2019il est disponible.',
      details: 'Vos coordonn\u00e9es', name: 'Nom', email: 'E-mail', optional: 'facultatif',
      consent: 'Vous pouvez conserver mon nom et mon adresse e-mail pour le suivi de cette discussion',
      message: 'Message', start: 'D\u00e9marrer la discussion', retry: 'R\u00e9essayer', send: 'Envoyer',
      end: 'Terminer la discussion', again: 'Nouvelle discussion', log: 'Conversation',
      queue: 'Vous \u00eates num\u00e9ro {n} dans la file d\u2019attente.', wait: 'Attente estim\u00e9e\u00a0: {t}.',
      mins: 'environ {n}\u00a0min', soon: 'moins d\u2019une minute', waiting: 'En attente d\u2019un conseiller\u2026',
      agent: 'Vous discutez avec {a}.', ended: 'La discussion est termin\u00e9e.',
      byUser: 'Le conseiller a mis fin \u00e0 la discussion.', byCustomer: 'Vous avez mis fin \u00e0 la discussion.',
      byIdle: 'La discussion a \u00e9t\u00e9 ferm\u00e9e apr\u00e8s une p\u00e9riode d\u2019inactivit\u00e9.', you: 'Vous',
      empty: '\u00c9crivez d\u2019abord votre message.', badEmail: 'V\u00e9rifiez l\u2019adresse e-mail.',
      kept: 'Votre texte est conserv\u00e9 ici\u00a0: r\u00e9essayez dans un moment.',
      leave: 'Laisser un message', gone: 'Cette discussion n\u2019est plus disponible.',
      closed: 'La discussion n\u2019est pas disponible sur cette page.',
      offline: 'Le service de discussion est injoignable. V\u00e9rifiez votre connexion et r\u00e9essayez.',
      lost: 'Connexion perdue\u00a0: reconnexion\u2026',
      notSent: 'Non envoy\u00e9\u00a0: appuyez sur Envoyer pour r\u00e9essayer.', newMsg: 'Nouveau message',
      sending: 'Envoi\u2026'
    },
    fi: {
      launcher: 'Chattaa kanssamme', close: 'Pienenn\u00e4 chat',
      intro: 'Kysy meilt\u00e4 mit\u00e4 tahansa: asiakaspalvelija vastaa heti, kun joku vapautuu.',
      details: 'Tietosi', name: 'Nimi', email: 'S\u00e4hk\u00f6posti', optional: 'valinnainen',
      consent: 'Saatte s\u00e4ilytt\u00e4\u00e4 nimeni ja s\u00e4hk\u00f6postiosoitteeni t\u00e4m\u00e4n chatin jatkok\u00e4sittely\u00e4 varten',
      message: 'Viesti', start: 'Aloita chat', retry: 'Yrit\u00e4 uudelleen', send: 'L\u00e4het\u00e4',
      end: 'Lopeta chat', again: 'Aloita uusi chat', log: 'Keskustelu',
      queue: 'Olet jonossa sijalla {n}.', wait: 'Arvioitu odotusaika: {t}.',
      mins: 'noin {n} min', soon: 'alle minuutti', waiting: 'Odotetaan asiakaspalvelijaa\u2026',
      agent: 'Keskustelukumppanisi: {a}.', ended: 'Chat on p\u00e4\u00e4ttynyt.',
      byUser: 'Asiakaspalvelija lopetti chatin.', byCustomer: 'Lopetit chatin.',
      byIdle: 'Chat suljettiin, koska se oli pitk\u00e4\u00e4n toimettomana.', you: 'Sin\u00e4',
      empty: 'Kirjoita ensin viestisi.', badEmail: 'Tarkista s\u00e4hk\u00f6postiosoite.',
      kept: 'Kirjoittamasi teksti s\u00e4ilyy t\u00e4ss\u00e4: yrit\u00e4 hetken kuluttua uudelleen.',
      leave: 'J\u00e4t\u00e4 viesti', gone: 'T\u00e4m\u00e4 chat ei ole en\u00e4\u00e4 k\u00e4ytett\u00e4viss\u00e4.',
      closed: 'Chat ei ole k\u00e4ytett\u00e4viss\u00e4 t\u00e4ll\u00e4 sivulla.',
      offline: 'Chat-palveluun ei saada yhteytt\u00e4. Tarkista yhteys ja yrit\u00e4 uudelleen.',
      lost: 'Yhteys katkesi: yhdistet\u00e4\u00e4n uudelleen\u2026',
      notSent: 'Ei l\u00e4hetetty: yrit\u00e4 uudelleen painamalla L\u00e4het\u00e4.', newMsg: 'Uusi viesti',
      sending: 'L\u00e4hetet\u00e4\u00e4n\u2026'
    },
    es: {
      launcher: 'Chatea con nosotros', close: 'Minimizar el chat',
      intro: 'Preg\u00fantanos lo que quieras: un agente te responder\u00e1 en cuanto est\u00e9 libre.',
      details: 'Tus datos', name: 'Nombre', email: 'Correo electr\u00f3nico', optional: 'opcional',
      consent: 'Pod\u00e9is guardar mi nombre y mi correo electr\u00f3nico para hacer seguimiento de este chat',
      message: 'Mensaje', start: 'Iniciar chat', retry: 'Reintentar', send: 'Enviar',
      end: 'Terminar chat', again: 'Iniciar un chat nuevo', log: 'Conversaci\u00f3n',
      queue: 'Eres el n\u00famero {n} de la cola.', wait: 'Espera estimada: {t}.',
      mins: 'unos {n} min', soon: 'menos de un minuto', waiting: 'Esperando a un agente\u2026',
      agent: 'Est\u00e1s chateando con {a}.', ended: 'El chat ha terminado.',
      byUser: 'El agente ha terminado el chat.', byCustomer: 'Has terminado el chat.',
      byIdle: 'El chat se cerr\u00f3 por inactividad.', you: 'T\u00fa',
      empty: 'Escribe primero tu mensaje.', badEmail: 'Revisa el correo electr\u00f3nico.',
      kept: 'Lo que escribiste se conserva aqu\u00ed: vuelve a intentarlo dentro de un rato.',
      leave: 'Dejar un mensaje', gone: 'Este chat ya no est\u00e1 disponible.',
      closed: 'El chat no est\u00e1 disponible en esta p\u00e1gina.',
      offline: 'No se puede conectar con el servicio de chat. Comprueba la conexi\u00f3n y vuelve a intentarlo.',
      lost: 'Conexi\u00f3n perdida: reconectando\u2026',
      notSent: 'No enviado: pulsa Enviar para reintentar.', newMsg: 'Mensaje nuevo', sending: 'Enviando\u2026'
    },
    it: {
      launcher: 'Chatta con noi', close: 'Riduci la chat',
      intro: 'Chiedici quello che vuoi: un operatore risponde appena \u00e8 libero.',
      details: 'I tuoi dati', name: 'Nome', email: 'E-mail', optional: 'facoltativo',
      consent: 'Potete conservare il mio nome e il mio indirizzo e-mail per dare seguito a questa chat',
      message: 'Messaggio', start: 'Avvia la chat', retry: 'Riprova', send: 'Invia',
      end: 'Termina la chat', again: 'Avvia una nuova chat', log: 'Conversazione',
      queue: 'Sei il numero {n} in coda.', wait: 'Attesa stimata: {t}.',
      mins: 'circa {n} min', soon: 'meno di un minuto', waiting: 'In attesa di un operatore\u2026',
      agent: 'Stai chattando con {a}.', ended: 'La chat \u00e8 terminata.',
      byUser: 'L\u2019operatore ha terminato la chat.', byCustomer: 'Hai terminato la chat.',
      byIdle: 'La chat \u00e8 stata chiusa per inattivit\u00e0.', you: 'Tu',
      empty: 'Scrivi prima il tuo messaggio.', badEmail: 'Controlla l\u2019indirizzo e-mail.',
      kept: 'Il testo che hai scritto resta qui: riprova tra poco.',
      leave: 'Lascia un messaggio', gone: 'Questa chat non \u00e8 pi\u00f9 disponibile.',
      closed: 'La chat non \u00e8 disponibile in questa pagina.',
      offline: 'Il servizio di chat non \u00e8 raggiungibile. Controlla la connessione e riprova.',
      lost: 'Connessione persa: riconnessione in corso\u2026',
      notSent: 'Non inviato: premi Invia per riprovare.', newMsg: 'Nuovo messaggio', sending: 'Invio in corso\u2026'
    },
    cs: {
      launcher: 'Napi\u0161te n\u00e1m', close: 'Minimalizovat chat',
      intro: 'Zeptejte se n\u00e1s na cokoli: oper\u00e1tor odpov\u00ed, jakmile bude voln\u00fd.',
      details: 'Va\u0161e \u00fadaje', name: 'Jm\u00e9no', email: 'E-mail', optional: 'nepovinn\u00e9',
      consent: 'M\u00e9 jm\u00e9no a e-mail si sm\u00edte uchovat pro dal\u0161\u00ed \u0159e\u0161en\u00ed tohoto chatu',
      message: 'Zpr\u00e1va', start: 'Zah\u00e1jit chat', retry: 'Zkusit znovu', send: 'Odeslat',
      end: 'Ukon\u010dit chat', again: 'Zah\u00e1jit nov\u00fd chat', log: 'Konverzace',
      queue: 'Jste ve front\u011b na {n}. m\u00edst\u011b.', wait: 'Odhadovan\u00e1 doba \u010dek\u00e1n\u00ed: {t}.',
      mins: 'asi {n} min', soon: 'm\u00e9n\u011b ne\u017e minuta', waiting: '\u010cek\u00e1n\u00ed na oper\u00e1tora\u2026',
      agent: 'Chatujete s: {a}.', ended: 'Chat byl ukon\u010den.',
      byUser: 'Oper\u00e1tor chat ukon\u010dil.', byCustomer: 'Chat jste ukon\u010dili.',
      byIdle: 'Chat byl kv\u016fli ne\u010dinnosti uzav\u0159en.', you: 'Vy',
      empty: 'Nejprve napi\u0161te zpr\u00e1vu.', badEmail: 'Zkontrolujte e-mailovou adresu.',
      kept: 'V\u00e1\u0161 text tu z\u016fst\u00e1v\u00e1: zkuste to za chv\u00edli znovu.',
      leave: 'Zanechat zpr\u00e1vu', gone: 'Tento chat u\u017e nen\u00ed k dispozici.',
      closed: 'Chat nen\u00ed na t\u00e9to str\u00e1nce k dispozici.',
      offline: 'Chatovac\u00ed slu\u017eba nen\u00ed dostupn\u00e1. Zkontrolujte p\u0159ipojen\u00ed a zkuste to znovu.',
      lost: 'Spojen\u00ed p\u0159eru\u0161eno: p\u0159ipojov\u00e1n\u00ed\u2026',
      notSent: 'Neodesl\u00e1no: zkuste to znovu tla\u010d\u00edtkem Odeslat.', newMsg: 'Nov\u00e1 zpr\u00e1va', sending: 'Odes\u00edl\u00e1n\u00ed\u2026'
    },
    pl: {
      launcher: 'Czat z nami', close: 'Zminimalizuj czat',
      intro: 'Zapytaj nas o cokolwiek: konsultant odpowie, gdy tylko b\u0119dzie wolny.',
      details: 'Twoje dane', name: 'Imi\u0119 i nazwisko', email: 'E-mail', optional: 'opcjonalnie',
      consent: 'Mo\u017cecie zachowa\u0107 moje imi\u0119 i adres e-mail, aby kontynuowa\u0107 t\u0119 spraw\u0119',
      message: 'Wiadomo\u015b\u0107', start: 'Rozpocznij czat', retry: 'Spr\u00f3buj ponownie', send: 'Wy\u015blij',
      end: 'Zako\u0144cz czat', again: 'Rozpocznij nowy czat', log: 'Rozmowa',
      queue: 'Jeste\u015b {n}. w kolejce.', wait: 'Szacowany czas oczekiwania: {t}.',
      mins: 'oko\u0142o {n} min', soon: 'mniej ni\u017c minuta', waiting: 'Oczekiwanie na konsultanta\u2026',
      agent: 'Rozmawiasz z: {a}.', ended: 'Czat zosta\u0142 zako\u0144czony.',
      byUser: 'Konsultant zako\u0144czy\u0142 czat.', byCustomer: 'Zako\u0144czono czat.',
      byIdle: 'Czat zosta\u0142 zamkni\u0119ty z powodu braku aktywno\u015bci.', you: 'Ty',
      empty: 'Najpierw napisz wiadomo\u015b\u0107.', badEmail: 'Sprawd\u017a adres e-mail.',
      kept: 'Tw\u00f3j tekst pozostaje tutaj: spr\u00f3buj ponownie za chwil\u0119.',
      leave: 'Zostaw wiadomo\u015b\u0107', gone: 'Ten czat nie jest ju\u017c dost\u0119pny.',
      closed: 'Czat nie jest dost\u0119pny na tej stronie.',
      offline: 'Nie mo\u017cna po\u0142\u0105czy\u0107 si\u0119 z us\u0142ug\u0105 czatu. Sprawd\u017a po\u0142\u0105czenie i spr\u00f3buj ponownie.',
      lost: 'Utracono po\u0142\u0105czenie: ponowne \u0142\u0105czenie\u2026',
      notSent: 'Nie wys\u0142ano: naci\u015bnij Wy\u015blij, aby spr\u00f3bowa\u0107 ponownie.', newMsg: 'Nowa wiadomo\u015b\u0107',
      sending: 'Wysy\u0142anie\u2026'
    }
  };

  /** The first of `tags` we have strings for (nb and nn are Norwegian), else English; `tag`
   *  keeps its region (en-GB), which decides how times are written. */
  function language(tags) {
    for (var i = 0; i < tags.length; i++) {
      var tag = String(tags[i] || '');
      var code = tag.toLowerCase().split(/[-_]/)[0];
      if (code === 'nb' || code === 'nn') return { code: code, tag: tag, text: T.no };
      if (T[code]) return { code: code, tag: tag, text: T[code] };
    }
    return { code: 'en', tag: 'en', text: T.en };
  }
  var forced = script.getAttribute('data-lang');
  var LANG = language(forced ? [forced] : (navigator.languages || [navigator.language]));
  var t = LANG.text;
  var ZONE = '';
  try { ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { /* old browser */ }
  // Times as the customer's language and region write them: 09:05 and 13:05 in en-GB and
  // nb-NO, 9:05 AM and 1:05 PM in en-US (a tag Intl refuses, such as nb_NO in data-lang,
  // falls back to the language's code).
  function clockIn(locales) {
    var clock = new Intl.DateTimeFormat(locales, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
    var cycle = clock.resolvedOptions().hourCycle;
    if (cycle !== 'h23' && cycle !== 'h24') return clock;
    return new Intl.DateTimeFormat(locales, { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  }
  var CLOCK;
  try { CLOCK = clockIn([LANG.tag, LANG.code]); } catch (e) { CLOCK = clockIn(LANG.code); }

  /** `template` with {n}, {t}, {a} filled; strings, or nodes (kept as nodes: test hooks). */
  function fill(parent, template, values) {
    template.split(/(\{[a-z]\})/).forEach(function (part) {
      var value = /^\{[a-z]\}$/.test(part) ? values[part.charAt(1)] : part;
      if (value == null || value === '') return;
      parent.appendChild(typeof value === 'string' ? document.createTextNode(value) : value);
    });
    return parent;
  }

  /**
   * A message's WhenPosted as a clock time. The service prints dates in the zone named by
   * SO-TimeZone - ours, the browser's - as local times without offset, so their wall-clock
   * digits are shown as they are; a date with an offset (when the zone was sent as an offset)
   * is converted to the browser's zone. 0001-01-01 is "never".
   */
  function clock(when) {
    var m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?(?:\.\d+)?(Z|([+-])(\d\d):(\d\d))?$/.exec(when || '');
    if (!m || m[1] === '0001') return '';
    var ms = Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
    if (m[7]) {
      // An instant: shift it into the browser's zone, then print its wall clock.
      ms -= (m[8] === '-' ? -1 : 1) * ((+m[9] || 0) * 60 + (+m[10] || 0)) * 60000;
      ms -= new Date(ms).getTimezoneOffset() * 60000;
    }
    return CLOCK.format(new Date(ms));
  }

  // --- Small DOM helpers (attributes only: never style) ---------------------------------
  function h(tag, attrs, kids) {
    var el = document.createElement(tag);
    for (var k in attrs) if (attrs[k] != null && attrs[k] !== false) el.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
    (kids || []).forEach(function (kid) {
      if (kid != null) el.appendChild(typeof kid === 'string' ? document.createTextNode(kid) : kid);
    });
    return el;
  }
  function show(el, on) { el.hidden = !on; }
  function on(el, type, fn) { el.addEventListener(type, fn); }

  // --- Storage: the session's id and key, per tab, per service and topic ----------------
  function load(suffix) {
    try { return JSON.parse(sessionStorage.getItem(STORE + suffix) || 'null'); } catch (e) { return null; }
  }
  function save(suffix, value) {
    try {
      if (value == null) sessionStorage.removeItem(STORE + suffix);
      else sessionStorage.setItem(STORE + suffix, JSON.stringify(value));
    } catch (e) { /* storage off: the chat just does not survive a reload */ }
  }

  // --- The widget's DOM ----------------------------------------------------------------
  var host = h('chat-pickup-widget', { 'data-topic-id': TOPIC });
  var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
  var css = h('link', { rel: 'stylesheet', href: BASE + 'widget.css' + SRC.search });
  var frame = h('div', { 'class': 'cp-frame', lang: LANG.code, hidden: true });
  on(css, 'load', function () { frame.hidden = false; });
  on(css, 'error', function () { frame.hidden = false; });

  var badge = h('span', { 'class': 'cp-badge', hidden: true }, [h('span', { 'class': 'cp-sr' }, [' (' + t.newMsg + ')'])]);
  var launcher = h('button', {
    type: 'button', 'class': 'cp-launcher', 'aria-expanded': 'false', 'aria-controls': 'cp-panel',
    'data-testid': 'chat-launcher'
  }, [h('span', { 'class': 'cp-icon', 'aria-hidden': 'true' }), t.launcher, badge]);

  var closeBtn = h('button', { type: 'button', 'class': 'cp-close', 'aria-label': t.close, title: t.close, 'data-testid': 'chat-close' },
    [h('span', { 'aria-hidden': 'true' }, ['\u2212'])]);
  var status = h('div', { role: 'status', 'class': 'cp-status', 'data-testid': 'chat-status' });
  var intro = h('p', { 'class': 'cp-intro' }, [t.intro]);
  var log = h('div', {
    role: 'log', 'aria-live': 'polite', 'aria-label': t.log, tabindex: '0', 'class': 'cp-log', 'data-testid': 'chat-log'
  });
  var alertBox = h('div', { role: 'alert', 'class': 'cp-alert', 'data-testid': 'chat-alert' });

  function field(id, label, input) {
    return h('div', { 'class': 'cp-field' }, [h('label', { 'for': id }, [label, ' ', h('span', { 'class': 'cp-opt' }, ['(' + t.optional + ')'])]), input]);
  }
  var nameIn = h('input', { id: 'cp-name', type: 'text', autocomplete: 'name', maxlength: '255', 'data-testid': 'chat-name' });
  var emailIn = h('input', { id: 'cp-email', type: 'email', autocomplete: 'email', maxlength: '255', 'data-testid': 'chat-email' });
  var consentIn = h('input', { id: 'cp-consent', type: 'checkbox', 'data-testid': 'chat-consent' });
  var details = h('fieldset', { 'class': 'cp-details' }, [
    h('legend', { 'class': 'cp-sr' }, [t.details]),
    field('cp-name', t.name, nameIn),
    field('cp-email', t.email, emailIn),
    h('div', { 'class': 'cp-check' }, [consentIn, h('label', { 'for': 'cp-consent' }, [t.consent, ' ', h('span', { 'class': 'cp-opt' }, ['(' + t.optional + ')'])])])
  ]);
  var inputLabel = h('label', { 'for': 'cp-input' }, [t.message]);
  var input = h('textarea', { id: 'cp-input', rows: '3', maxlength: '4096', 'data-testid': 'chat-message-input' });
  var startBtn = h('button', { type: 'submit', 'class': 'cp-primary', 'data-testid': 'chat-start' }, [t.start]);
  var sendBtn = h('button', { type: 'submit', 'class': 'cp-primary', 'data-testid': 'chat-send' }, [t.send]);
  var endBtn = h('button', { type: 'button', 'class': 'cp-secondary', 'data-testid': 'chat-end' }, [t.end]);
  var newBtn = h('button', { type: 'button', 'class': 'cp-primary', 'data-testid': 'chat-new' }, [t.again]);
  var form = h('form', { 'class': 'cp-form', novalidate: true }, [
    details, h('div', { 'class': 'cp-field' }, [inputLabel, input]),
    h('div', { 'class': 'cp-actions' }, [endBtn, startBtn, sendBtn])
  ]);
  var title = h('h2', { id: 'cp-title', 'class': 'cp-title' }, [t.launcher]);
  var panel = h('div', {
    id: 'cp-panel', 'class': 'cp-panel', role: 'dialog', 'aria-labelledby': 'cp-title', hidden: true,
    'data-testid': 'chat-panel'
  }, [
    h('div', { 'class': 'cp-head' }, [title, closeBtn]),
    h('div', { 'class': 'cp-body' }, [intro, log, status, alertBox, form, h('div', { 'class': 'cp-again' }, [newBtn])])
  ]);
  frame.appendChild(panel);
  frame.appendChild(launcher);
  root.appendChild(css);
  root.appendChild(frame);

  // --- State ---------------------------------------------------------------------------
  var S = {
    phase: 'form',  // form: the pre-chat form; queue; chat (an agent holds it); ended
    id: 0, key: '',
    after: 0,       // the last message id read: the next poll asks for what follows
    seen: {},       // message ids shown
    gen: 0,         // bumped whenever a session is left: its loops and answers stop counting
    closing: false, // the service says Closed: poll once more for the notice, then stop
    open: false, busy: false, viewing: false, timer: 0, poll: null, wake: null,
    failed: null,   // {text, key}: a message not sent, whose retry reuses its key
    noZone: false   // the service refused our zone name: send the offset instead
  };
  var outbox = [];  // messages being sent, in order: {text, key, el, adopted}
  var sending = false;

  // --- Calling the service -------------------------------------------------------------
  function headers(extra) {
    var list = { Accept: 'application/json', 'SO-Language': LANG.code };
    if (ZONE && !S.noZone) list['SO-TimeZone'] = ZONE;
    else list['SO-Browser-TZ-Offset'] = String(-new Date().getTimezoneOffset());
    if (S.key) list.Authorization = 'SessionKey ' + S.key;
    for (var k in extra) list[k] = extra[k];
    return list;
  }

  /** Resolves {status, ok, data, wait (Retry-After seconds)}; rejects when nothing came back. */
  function call(method, path, body, extra, signal) {
    var hdrs = headers(extra);
    if (body) hdrs['Content-Type'] = 'application/json';
    return fetch(API + path, {
      method: method, headers: hdrs, body: body ? JSON.stringify(body) : undefined,
      mode: 'cors', credentials: 'omit', cache: 'no-store', signal: signal
    }).then(function (r) {
      return r.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { /* not JSON: a proxy's page */ }
        if (r.status === 400 && hdrs['SO-TimeZone'] && /zone/i.test((data && data.detail) || '')) {
          S.noZone = true; // a zone name this service does not know: ask again with the offset
          return call(method, path, body, extra, signal);
        }
        return { status: r.status, ok: r.ok, data: data, wait: +r.headers.get('Retry-After') || 0 };
      });
    });
  }
  function detail(r) {
    return (r && r.data && (r.data.detail || r.data.title)) || t.offline;
  }
  function randomKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }
  /** A pause the 'online' event can cut short. */
  function sleep(seconds) {
    return new Promise(function (done) {
      var id = setTimeout(finish, seconds * 1000);
      function finish() { clearTimeout(id); if (S.wake === finish) S.wake = null; done(); }
      S.wake = finish;
    });
  }
  on(window, 'online', function () { if (S.wake) S.wake(); });

  // --- What the customer sees ----------------------------------------------------------
  function setPhase(phase) {
    S.phase = phase;
    var live = phase === 'queue' || phase === 'chat';
    show(intro, phase === 'form');
    show(details, phase === 'form');
    show(startBtn, phase === 'form');
    show(log, phase !== 'form');
    show(form, phase !== 'ended');
    show(sendBtn, live);
    show(endBtn, live);
    show(newBtn.parentNode, phase === 'ended');
    inputLabel.className = phase === 'form' ? '' : 'cp-sr';
    input.setAttribute('aria-required', phase === 'form' ? 'true' : 'false');
    input.rows = phase === 'form' ? 3 : 2;
    panel.className = 'cp-panel cp-is-' + phase;
  }

  function say(text, extra) {
    alertBox.textContent = '';
    if (!text) return;
    alertBox.appendChild(h('p', {}, [text]));
    if (extra) alertBox.appendChild(extra);
  }

  var shownStatus = '';
  function setStatus(nodes) {
    var box = h('div', {}, nodes);
    if (box.innerHTML === shownStatus) return; // unchanged: nothing to announce
    shownStatus = box.innerHTML;
    status.textContent = '';
    while (box.firstChild) status.appendChild(box.firstChild);
  }

  /** The customer's view of the session: where they stand, the wait, who answers. */
  function view(v) {
    if (!v) return;
    var st = v.Status;
    if (/^(Closed|Finished|Deleted|ClosedFromQueue)$/.test(st)) {
      S.closing = true;
      if (S.phase !== 'ended') setPhase('ended');
      setStatus([h('p', {}, [t.ended])]);
      stopQueueTimer();
      save('', null);
      return;
    }
    if (st === 'InQueue') {
      setPhase('queue');
      var lines = [];
      if (v.QueuePosition != null) {
        lines.push(fill(h('p', {}), t.queue, { n: h('span', { 'data-testid': 'chat-queue-position' }, [String(v.QueuePosition)]) }));
      } else {
        lines.push(h('p', {}, [t.waiting]));
      }
      if (v.EstimatedWaitSeconds != null) {
        var s = v.EstimatedWaitSeconds;
        var words = s < 60 ? t.soon : t.mins.replace('{n}', String(Math.round(s / 60)));
        lines.push(fill(h('p', {}), t.wait, { t: h('span', { 'data-testid': 'chat-estimated-wait', 'data-seconds': String(s) }, [words]) }));
      }
      setStatus(lines);
      startQueueTimer();
    } else {
      setPhase('chat');
      stopQueueTimer();
      setStatus(v.AgentName ? [fill(h('p', {}), t.agent, { a: h('span', { 'data-testid': 'chat-agent-name' }, [v.AgentName]) })] : []);
    }
  }

  var CLOSED = { ClosedByUser: 'byUser', ClosedByCustomer: 'byCustomer', ClosedByIdle: 'byIdle' };

  /** One message as a line of the log. */
  function line(m, pending) {
    var type = m.Type, special = m.SpecialType || 'None', text = m.Message || '';
    var kind = type === 'ToUser' ? 'own' : type === 'ToCustomer' ? 'agent' : 'system';
    if (CLOSED[special]) { kind = 'system'; text = t[CLOSED[special]]; }
    if (!text && kind === 'system') return null;
    var time = clock(m.WhenPosted);
    var meta = kind === 'system' ? null : h('div', { 'class': 'cp-meta' }, [
      h('span', { 'class': 'cp-author' }, [kind === 'own' ? t.you : (m.Author || '')]),
      time ? ' ' : null,
      time ? h('time', { datetime: m.WhenPosted }, [time]) : null,
      pending ? h('span', { 'class': 'cp-pending-note' }, [' ' + t.sending]) : null
    ]);
    var body = h('p', { 'class': 'cp-text' }, [text]);
    if (special === 'Url' && /^https?:\/\//i.test(m.SpecialParam || '')) {
      body.appendChild(document.createTextNode(' '));
      body.appendChild(h('a', { href: m.SpecialParam, target: '_blank', rel: 'noopener noreferrer' }, [m.SpecialParam]));
    }
    return h('div', {
      'class': 'cp-msg cp-' + kind + (special === 'Welcome' ? ' cp-welcome' : '') + (pending ? ' cp-pending' : ''),
      'data-testid': 'chat-message', 'data-type': type, 'data-special-type': special,
      'data-message-id': m.ChatMessageId ? String(m.ChatMessageId) : null
    }, [meta, body]);
  }

  function append(el) {
    if (!el) return;
    var atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    log.appendChild(el);
    if (atEnd || el.className.indexOf('cp-own') >= 0) log.scrollTop = log.scrollHeight;
  }

  /** Messages from a read, in order; true when one of them is a closing notice. */
  function add(messages) {
    var closed = false;
    messages.forEach(function (m) {
      var id = m.ChatMessageId;
      if (id > S.after) S.after = id;
      if (CLOSED[m.SpecialType]) closed = true;
      if (S.seen[id]) return;
      S.seen[id] = true;
      if (m.Type === 'ToUser') {
        // Our own message, read before its POST answered: it takes the place of the draft.
        for (var i = 0; i < outbox.length; i++) {
          if (!outbox[i].adopted && outbox[i].text === m.Message) { settle(outbox[i], m); return; }
        }
      } else if (!S.open) {
        badge.hidden = false;
      }
      append(line(m));
    });
    return closed;
  }

  // --- Opening and closing the box -----------------------------------------------------
  function open(focus) {
    S.open = true;
    show(panel, true);
    launcher.setAttribute('aria-expanded', 'true');
    badge.hidden = true;
    if (focus) {
      var target = S.phase === 'ended' ? newBtn : S.phase === 'form' && !nameIn.value ? nameIn : input;
      target.focus();
    }
  }
  function close() {
    S.open = false;
    show(panel, false);
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }
  on(launcher, 'click', function () { if (S.open) close(); else open(true); });
  on(closeBtn, 'click', close);
  on(frame, 'keydown', function (e) {
    if (e.key === 'Escape' && S.open && !e.isComposing) { e.preventDefault(); close(); }
  });
  on(input, 'keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
  on(form, 'submit', function (e) { e.preventDefault(); submit(); });
  on(endBtn, 'click', end);
  on(newBtn, 'click', fresh);
  on(form, 'input', draft);
  on(form, 'change', draft);

  /** What the customer typed, kept for the tab: a refused start or a reload loses nothing. */
  function draft() {
    save(':draft', { name: nameIn.value, email: emailIn.value, consent: consentIn.checked, message: input.value });
  }
  function submit() {
    if (S.busy) return;
    if (S.phase === 'form') start(); else if (S.phase !== 'ended') send();
  }

  // --- Starting ------------------------------------------------------------------------
  function start() {
    var text = input.value.trim();
    if (!text) { say(t.empty); input.focus(); return; }
    emailIn.removeAttribute('aria-invalid');
    if (!emailIn.checkValidity()) {
      emailIn.setAttribute('aria-invalid', 'true');
      say(t.badEmail);
      emailIn.focus();
      return;
    }
    var body = { Message: text, CustomerConsented: consentIn.checked };
    if (nameIn.value.trim()) body.CustomerName = nameIn.value.trim();
    if (emailIn.value.trim()) body.CustomerEmail = emailIn.value.trim();
    S.busy = true;
    startBtn.setAttribute('aria-disabled', 'true');
    say('');
    call('POST', 'ChatTopic/' + TOPIC + '/Sessions', body).then(function (r) {
      if (r.ok && r.data && r.data.SessionKey) {
        input.value = '';
        draft();
        begin(r.data.ChatSessionId, r.data.SessionKey, r.data);
        input.focus();
      } else {
        refused(r);
      }
    }, function () {
      // Nothing readable came back. A browser hides a refusal of this page's origin (a 403
      // without CORS headers) as a network error: if the service itself answers, that was it.
      return fetch(BASE + 'widget.css', { mode: 'no-cors', credentials: 'omit', cache: 'no-store' })
        .then(function () { refused({ data: { detail: t.closed } }); }, function () { refused(null); });
    }).then(function () {
      S.busy = false;
      startBtn.removeAttribute('aria-disabled');
    });
  }

  /**
   * No chat could start - the queue is full (503), too many starts (429), the topic unknown
   * (404) or closed to this site (403), the service unreachable. There is no offline-message
   * API, so "leave a message" keeps everything typed in the form (and in the tab's storage)
   * for a retry, and links to the site's own contact page when data-offline-url names one.
   */
  function refused(r) {
    var extra = null;
    if (OFFLINE) extra = h('p', {}, [h('a', { href: OFFLINE, 'data-testid': 'chat-offline-link' }, [t.leave])]);
    say(detail(r) + ' ' + t.kept, extra);
    startBtn.textContent = t.retry;
    draft();
  }

  function begin(id, key, v) {
    S.gen++;
    S.id = id; S.key = key; S.after = 0; S.seen = {}; S.closing = false;
    log.textContent = '';
    save('', { id: id, key: key });
    view(v);
    loop(S.gen);
  }

  // --- Reading: the long poll ----------------------------------------------------------
  function loop(gen) {
    var delay = 0, first = true;
    function next() {
      if (gen !== S.gen) return;
      var wait = first || S.closing ? 0 : 20;
      var ctl = window.AbortController ? new AbortController() : null;
      var guard = setTimeout(function () { if (ctl) ctl.abort(); }, (wait + 15) * 1000);
      S.poll = ctl;
      call('GET', 'ChatSession/' + S.id + '/Messages?after=' + S.after + '&wait=' + wait, null, null, ctl && ctl.signal)
        .then(function (r) {
          clearTimeout(guard);
          if (gen !== S.gen) return;
          if (r.status === 401) return gone();
          if (!r.ok || !Array.isArray(r.data)) return retry(r.wait);
          delay = 0;
          first = false;
          lost(false);
          var closed = add(r.data);
          if (closed || S.closing) return finish();
          refresh().then(next);
        }, function () {
          clearTimeout(guard);
          if (gen === S.gen) retry(0);
        });
    }
    function retry(wait) {
      lost(true);
      delay = delay ? Math.min(delay * 2, 15) : 1; // 1, 2, 4, 8, 15, 15 ... seconds
      sleep(Math.max(delay, wait)).then(next);
    }
    function finish() {
      lost(false);
      if (S.phase !== 'ended') setPhase('ended');
      setStatus([h('p', {}, [t.ended])]);
      stopQueueTimer();
      save('', null);
      // Focus was on the composer, now hidden: hand it to "Start a new chat", never taking
      // it from the host page.
      var now = document.activeElement;
      if (S.open && (!now || now === document.body || (now === host && !(root.activeElement && root.activeElement.offsetParent)))) newBtn.focus();
    }
    next();
  }

  var lostShown = false;
  function lost(yes) {
    if (yes === lostShown) return;
    lostShown = yes;
    say(yes ? t.lost : '');
  }

  /** The view again; after a poll answers, and every few seconds while in the queue. */
  function refresh() {
    var gen = S.gen;
    if (S.viewing || !S.id) return Promise.resolve();
    S.viewing = true;
    return call('GET', 'ChatSession/' + S.id).then(function (r) {
      S.viewing = false;
      if (gen !== S.gen) return;
      if (r.status === 401) gone();
      else if (r.ok) view(r.data);
    }, function () { S.viewing = false; });
  }
  function startQueueTimer() {
    if (!S.timer) S.timer = setInterval(refresh, 5000);
  }
  function stopQueueTimer() {
    clearInterval(S.timer);
    S.timer = 0;
  }

  /** The key no longer opens the session (401): forget it, offer a new chat. */
  function gone() {
    S.gen++;
    save('', null);
    stopQueueTimer();
    outbox = [];
    setPhase('ended');
    setStatus([h('p', {}, [t.gone])]);
  }

  // --- Writing -------------------------------------------------------------------------
  function send() {
    var text = input.value;
    if (!text.trim()) { say(t.empty); input.focus(); return; }
    // A message that failed is sent again under its first key: never posted twice.
    var key = S.failed && S.failed.text === text ? S.failed.key : randomKey();
    S.failed = null;
    input.value = '';
    draft();
    say('');
    var item = { text: text, key: key, el: line({ Type: 'ToUser', Message: text }, true), adopted: false };
    append(item.el);
    outbox.push(item);
    flush();
  }

  function flush() {
    if (sending || !outbox.length) return;
    sending = true;
    var item = outbox[0], gen = S.gen, tries = 0;
    function attempt() {
      call('POST', 'ChatSession/' + S.id + '/Messages', { Message: item.text }, { 'Idempotency-Key': item.key })
        .then(function (r) {
          if (gen !== S.gen) return;
          if (r.ok && r.data) { done(r.data); return; }
          if (r.status === 401) { sending = false; gone(); return; }
          var again = r.status === 429 || r.status >= 500 || (r.status === 409 && S.phase !== 'ended');
          if (again && tries < 5) later(r.wait);
          else fail(detail(r));
        }, function () {
          if (gen !== S.gen) return;
          if (tries < 5) later(0); else fail(t.offline);
        });
    }
    function later(wait) {
      tries++;
      setTimeout(attempt, Math.max(Math.pow(2, tries - 1), wait) * 1000);
    }
    function done(m) {
      outbox.shift();
      if (!item.adopted) {
        if (S.seen[m.ChatMessageId]) { item.el.parentNode && item.el.parentNode.removeChild(item.el); }
        else { S.seen[m.ChatMessageId] = true; settle(item, m); }
      }
      sending = false;
      flush();
    }
    function fail(why) {
      // Every unsent message goes back into the box, the first one's key kept for its retry.
      var texts = outbox.map(function (o) {
        if (o.el.parentNode) o.el.parentNode.removeChild(o.el);
        return o.text;
      });
      S.failed = texts.length === 1 ? { text: texts[0], key: outbox[0].key } : null;
      outbox = [];
      sending = false;
      if (!input.value) input.value = texts.join('\n');
      draft();
      say(why + ' ' + t.notSent);
    }
    attempt();
  }

  /** A message we sent, now known to the service: its draft line becomes the real one. */
  function settle(item, m) {
    item.adopted = true;
    var real = line(m);
    if (item.el.parentNode) item.el.parentNode.replaceChild(real, item.el);
    item.el = real;
  }

  // --- Ending, and starting over -------------------------------------------------------
  function end() {
    if (S.busy || !S.id) return;
    S.busy = true;
    endBtn.setAttribute('aria-disabled', 'true');
    var gen = S.gen;
    call('POST', 'ChatSession/' + S.id + '/End').then(function (r) {
      if (gen !== S.gen) return;
      if (r.status === 401) gone();
      else if (r.ok) { view(r.data); if (S.wake) S.wake(); newBtn.focus(); }
      else say(detail(r));
    }, function () { say(t.offline); }).then(function () {
      S.busy = false;
      endBtn.removeAttribute('aria-disabled');
    });
  }

  function fresh() {
    S.gen++;
    if (S.poll) S.poll.abort();
    stopQueueTimer();
    save('', null);
    S.id = 0; S.key = ''; S.after = 0; S.seen = {}; S.closing = false; S.failed = null;
    outbox = [];
    sending = false;
    log.textContent = '';
    setStatus([]);
    say('');
    startBtn.textContent = t.start;
    setPhase('form');
    input.focus();
  }

  // --- Off we go -----------------------------------------------------------------------
  function mount() {
    document.body.appendChild(host);
    setPhase('form');
    var kept = load(':draft');
    if (kept) {
      nameIn.value = kept.name || '';
      emailIn.value = kept.email || '';
      consentIn.checked = !!kept.consent;
      input.value = kept.message || '';
    }
    var stored = load('');
    if (!stored || !stored.id || !stored.key) return;
    // A reload: the same chat, from its first message.
    S.id = stored.id;
    S.key = stored.key;
    var gen = ++S.gen;
    call('GET', 'ChatSession/' + S.id).then(function (r) {
      if (gen !== S.gen) return;
      if (r.status === 401 || r.status === 404) { S.id = 0; S.key = ''; save('', null); return; }
      if (r.ok) view(r.data); else setPhase('queue');
      if (S.phase === 'ended') { fresh(); return; }
      open(false);
      loop(gen);
    }, function () {
      if (gen !== S.gen) return;
      setPhase('queue');
      open(false);
      loop(gen);
    });
  }
  if (document.body) mount(); else on(document, 'DOMContentLoaded', mount);
})();
