{{%AUTOESCAPE context="HTML"}}
<div class="field">
  <label for="pf-name">{{T_printer_field_name}}</label>
  <input id="pf-name" name="name" type="text" required maxlength="200" autocomplete="off" value="{{F_NAME}}">
</div>
{{#KIND_CHOICE}}<div class="field">
  <label for="pf-kind">{{T_printer_field_kind}}</label>
  <select id="pf-kind" name="kind">{{#KIND_OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/KIND_OPTION}}</select>
</div>{{/KIND_CHOICE}}
<div class="field">
  <label for="pf-model">{{T_printer_field_model}}</label>
  <input id="pf-model" name="model" type="text" maxlength="200" autocomplete="off" value="{{F_MODEL}}">
</div>
<div class="field">
  <label for="pf-store">{{T_printer_field_store}}</label>
  <select id="pf-store" name="store"><option value="">{{T_printer_no_store}}</option>{{#STORE_OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/STORE_OPTION}}</select>
</div>
<div class="field">
  <label for="pf-address">{{T_printer_field_address}}</label>
  <input id="pf-address" name="address" type="text" maxlength="15" inputmode="decimal" autocomplete="off" spellcheck="false" value="{{F_ADDRESS}}" placeholder="10.10.1.20">
  <p class="hint">{{T_printer_hint_address}}</p>
</div>
{{#CONNECTION_CHOICE}}<div class="field">
  <label for="pf-connection">{{T_printer_field_connection}}</label>
  <select id="pf-connection" name="connection">{{#CONNECTION_OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/CONNECTION_OPTION}}</select>
  <p class="hint">{{T_printer_hint_connection}}</p>
</div>{{/CONNECTION_CHOICE}}
<div class="field">
  <label for="pf-host-pc">{{T_printer_field_host_pc}}</label>
  <input id="pf-host-pc" name="host_pc" type="text" maxlength="253" autocomplete="off" spellcheck="false" value="{{F_HOST_PC}}">
  <p class="hint">{{T_printer_hint_host_pc}}</p>
</div>
<div class="field">
  <label for="pf-mac">{{T_printer_field_mac}}</label>
  <input id="pf-mac" name="mac" type="text" maxlength="17" autocomplete="off" spellcheck="false" value="{{F_MAC}}" placeholder="aa:bb:cc:dd:ee:ff">
  <p class="hint">{{T_printer_hint_mac}}</p>
</div>
<div class="field">
  <label for="pf-snmp-version">{{T_printer_field_snmp_version}}</label>
  <select id="pf-snmp-version" name="snmp_version">{{#VERSION_OPTION}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/VERSION_OPTION}}</select>
</div>
<div class="field">
  <label for="pf-snmp-port">{{T_printer_field_snmp_port}}</label>
  <input id="pf-snmp-port" name="snmp_port" type="text" maxlength="5" inputmode="numeric" pattern="[0-9]{1,5}" autocomplete="off" value="{{F_SNMP_PORT}}">
</div>
<div class="field">
  <label for="pf-community">{{T_printer_field_community}}</label>
  <input id="pf-community" name="community" type="text" maxlength="255" autocomplete="off" spellcheck="false" value="">
  {{#COMMUNITY_NEW}}<p class="hint">{{T_printer_hint_community_new}}</p>{{/COMMUNITY_NEW}}
  {{#COMMUNITY_KEEP}}<p class="hint">{{T_printer_hint_community_keep}}</p>
  <label class="check"><input type="checkbox" name="community_reset" value="1"> {{T_printer_community_reset}}</label>{{/COMMUNITY_KEEP}}
</div>
