(function(w,d){var T="__tcfapi",G="__gpp",F="function",t,g;
function P(){return{gppVersion:"1.1",cmpStatus:"stub",cmpDisplayStatus:"hidden",signalStatus:"not ready",supportedAPIs:[],cmpId:0,sectionList:[],applicableSections:[-1],gppString:"",parsedSections:{}}}
function l(){var b=d.body;b?[T,G].forEach(function(n){var i;if(!w.frames[n+="Locator"]){i=d.createElement("iframe");i.style.display="none";i.name=n;b.appendChild(i)}}):setTimeout(l,5)}
if(typeof w[T]!=F){t=w[T]=function(c,v,b,p){var o={};if(c!="ping")t.a.push([c,v,b,p]);else if(typeof b==F){try{o=JSON.parse(d.getElementById("consentry-tcf").textContent)}catch(e){}
b({gdprApplies:o.gdprApplies,cmpLoaded:!1,cmpStatus:"stub",displayStatus:o.bannerShown&&!o.decided?"visible":"hidden",apiVersion:"2.3"},!0)}};t.a=[]}
if(typeof w[G]!=F){g=w[G]=function(c,b,p){var e=g.events,i;if(c=="ping")return i=P(),typeof b==F&&b(i,!0),i;if(typeof b!=F)return c=="events"?e:g.queue;
if(c=="addEventListener")e.push({id:i=g.lastId=(g.lastId||0)+1,callback:b,parameter:p}),b({eventName:"listenerRegistered",listenerId:i,data:!0,pingData:P()},!0);
else if(c=="removeEventListener")i=e.length,g.events=e.filter(function(o){return o.id!=p}),b({eventName:"listenerRemoved",listenerId:p,data:i>g.events.length,pingData:P()},!0);
else if(/^(hasSection|getSection|getField)$/.test(c))b(null,!0);else g.queue.push([].slice.call(arguments))};g.queue=[];g.events=[]}
(t||g)&&(l(),w.addEventListener("message",function(e){var j=e.data,s=typeof j=="string",c;try{s&&(j=JSON.parse(j))}catch(y){return}
function r(n){return function(a,o){var m={};m[n+"Return"]={returnValue:a,success:o,callId:c.callId};e.source.postMessage(s?JSON.stringify(m):m,"*")}}
j&&e.source&&((c=j[T+"Call"])?w[T](c.command,c.version,r(T),c.parameter):(c=j[G+"Call"])&&w[G](c.command,r(G),c.parameter,c.version))}))})(window,document);
