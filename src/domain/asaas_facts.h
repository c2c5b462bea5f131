/* asaas_facts.h - every Asaas error code and text the mock answers with, in one place.
 *
 * Confirmed facts come from the shared reference (docs/captures). Entries marked
 * UNCONFIRMED are our documented choices: the README's "Unconfirmed behaviour" table
 * mirrors this file, so change both together. No code, only constants. */
#ifndef AM_ASAAS_FACTS_H
#define AM_ASAAS_FACTS_H

/* 401 authentication (confirmed, changelog 16/07/2025). */
#define AM_ERR_TOKEN_NOT_FOUND "access_token_not_found"
#define AM_TXT_TOKEN_NOT_FOUND                                                                    \
    "O cabeçalho de autenticação 'access_token' é obrigatório e não foi encontrado na requisição"
#define AM_ERR_TOKEN_FORMAT "invalid_access_token_format"
#define AM_TXT_TOKEN_FORMAT                                                                       \
    "O valor fornecido não parece ser uma chave de API válida do Asaas. Verifique o formato da "  \
    "sua chave"
#define AM_ERR_ENVIRONMENT "invalid_environment"
#define AM_TXT_ENVIRONMENT "A chave de API informada não pertence a este ambiente"
#define AM_ERR_INVALID_TOKEN "invalid_access_token"
#define AM_TXT_INVALID_TOKEN "A chave de API fornecida é inválida"

/* UNCONFIRMED: the real body for a missing User-Agent was never captured. We answer 401
 * in the same style as access_token_not_found. */
#define AM_ERR_USER_AGENT "user_agent_not_found"
#define AM_TXT_USER_AGENT                                                                         \
    "O cabeçalho 'User-Agent' é obrigatório e não foi encontrado na requisição"

/* UNCONFIRMED: the 403 body for an address outside the IP allowlist was never captured. */
#define AM_ERR_IP_NOT_ALLOWED "ip_not_allowed"
#define AM_TXT_IP_NOT_ALLOWED                                                                     \
    "O endereço IP de origem não está autorizado a acessar a API. Verifique a whitelist de IPs "  \
    "da conta"

/* 403 for a GET carrying a body (confirmed status, CloudFront; body UNCONFIRMED). */
#define AM_ERR_GET_WITH_BODY "invalid_request"
#define AM_TXT_GET_WITH_BODY "Requisições GET não podem conter corpo"

/* UNCONFIRMED: 404 body for unknown ids and routes (docs only say "does not exist"). We
 * answer the Asaas error shape rather than an empty body so clients always get JSON. */
#define AM_ERR_NOT_FOUND "not_found"
#define AM_TXT_NOT_FOUND "O recurso solicitado não existe"
#define AM_TXT_ROUTE_NOT_FOUND "O endpoint solicitado não existe"

/* UNCONFIRMED: method not allowed on a known path. We answer 405 with Allow. */
#define AM_ERR_METHOD "method_not_allowed"
#define AM_TXT_METHOD "Método HTTP não permitido para este endpoint"

/* UNCONFIRMED: operations of the real API that the mock does not emulate yet. */
#define AM_ERR_NOT_IMPLEMENTED "not_implemented"
#define AM_TXT_NOT_IMPLEMENTED                                                                    \
    "Operação ainda não emulada pelo asaas-mock (existe na API real do Asaas)"

/* Malformed JSON body (status 400 confirmed as a validation error; code UNCONFIRMED). */
#define AM_ERR_JSON "invalid_json"
#define AM_TXT_JSON "O corpo da requisição não é um JSON válido"

/* UNCONFIRMED: bytes that are not UTF-8 in the path, a query key or value, or the body,
 * and a JSON "\u0000" inside a string (refused, never kept: stored text is C strings).
 * 400, checked for every request before authentication, like the GET-with-body refusal. */
#define AM_ERR_ENCODING "invalid_encoding"
#define AM_TXT_ENCODING_PATH "O caminho da requisição não é UTF-8 válido"
#define AM_TXT_ENCODING_QUERY "Um parâmetro da query string não é UTF-8 válido"
#define AM_TXT_ENCODING_BODY "O corpo da requisição não é UTF-8 válido"
#define AM_TXT_ENCODING_NUL "O corpo da requisição contém \\u0000 em um texto, o que não é aceito"

/* UNCONFIRMED: requests refused at the HTTP/1.1 layer, before any route (RFC 9112 says the
 * status; what Asaas's edge answers was never captured, so the mock answers JSON in the
 * API's shape, which every client already parses).
 * Every such answer closes the connection (Connection: close), is journalled and counted. */
#define AM_ERR_HTTP_BAD_REQUEST "invalid_http_request"
#define AM_TXT_HTTP_REQUEST_LINE "A linha de requisição HTTP é inválida"
#define AM_TXT_HTTP_HEADER "Um cabeçalho HTTP é inválido (nome, dois-pontos ou caractere de controle)"
#define AM_TXT_HTTP_OBS_FOLD "Cabeçalhos HTTP em várias linhas (obs-fold) não são aceitos"
#define AM_TXT_HTTP_LENGTH "Content-Length inválido ou repetido com valores diferentes"
#define AM_TXT_HTTP_FRAMING                                                                       \
    "Transfer-Encoding não pode vir com Content-Length, repetido ou em HTTP/1.0"
#define AM_TXT_HTTP_CHUNK "O corpo em chunks está malformado (tamanho, extensão ou fim de linha)"
#define AM_TXT_HTTP_HOST "A requisição tem mais de um cabeçalho Host"
#define AM_ERR_HTTP_CODING "unsupported_transfer_coding"
#define AM_TXT_HTTP_CODING "Somente Transfer-Encoding: chunked é aceito"
#define AM_ERR_HTTP_METHOD "not_implemented"
#define AM_TXT_HTTP_METHOD "Método HTTP não suportado"
#define AM_ERR_HTTP_VERSION "http_version_not_supported"
#define AM_TXT_HTTP_VERSION "Somente HTTP/1.0 e HTTP/1.1 são aceitos"
#define AM_ERR_HTTP_EXPECT "expectation_failed"
#define AM_TXT_HTTP_EXPECT "Somente Expect: 100-continue é aceito"
#define AM_ERR_HTTP_HEAD_SIZE "request_header_fields_too_large"
#define AM_TXT_HTTP_HEAD_SIZE "Os cabeçalhos da requisição excedem --max-headers"
#define AM_ERR_HTTP_BODY_SIZE "request_entity_too_large"
#define AM_TXT_HTTP_BODY_SIZE "O corpo da requisição excede --max-body"
#define AM_ERR_HTTP_TIMEOUT "request_timeout"
#define AM_TXT_HTTP_HEAD_TIMEOUT "Os cabeçalhos da requisição não chegaram dentro de --head-timeout"
#define AM_TXT_HTTP_BODY_TIMEOUT "O corpo da requisição não chegou dentro de --body-timeout"

/* UNCONFIRMED: pagination limits outside 1..100 are rejected (the real API's answer
 * is unknown). */
#define AM_ERR_LIMIT "invalid_limit"
#define AM_TXT_LIMIT "O parâmetro limit deve estar entre 1 e 100"
#define AM_ERR_OFFSET "invalid_offset"
#define AM_TXT_OFFSET "O parâmetro offset deve ser um número inteiro não negativo"

/* Customers (confirmed: invalid CPF/CNPJ -> invalid_object). */
#define AM_ERR_CPF_CNPJ "invalid_object"
#define AM_TXT_CPF_CNPJ "O CPF/CNPJ informado é inválido."
#define AM_ERR_NAME "invalid_name"
#define AM_TXT_NAME "O nome do cliente deve ser informado."
#define AM_ERR_CPF_CNPJ_MISSING "invalid_cpfCnpj"
#define AM_TXT_CPF_CNPJ_MISSING "O CPF/CNPJ deve ser informado."
#define AM_ERR_EMAIL "invalid_email"
#define AM_TXT_EMAIL "O email informado é inválido."
#define AM_ERR_CUSTOMER_DELETED "invalid_action"
#define AM_TXT_CUSTOMER_DELETED "Não é possível alterar um cliente removido."
#define AM_TXT_CUSTOMER_NOT_DELETED "O cliente informado não está removido."

/* UNCONFIRMED: a request field sent with the wrong JSON type (a number where text is
 * expected, a string where a boolean is expected). The code is AM_ERR_FIELD_PREFIX + the
 * field name, following the invalid_<field> family; %s in the text is the field name. */
#define AM_ERR_FIELD_PREFIX "invalid_"
#define AM_TXT_FIELD_TYPE_FMT "O campo %s possui um tipo inválido."

/* UNCONFIRMED: the 429 body was never captured (a PHP SDK fixture invents
 * rate_limit_exceeded + Retry-After). One code for the three limits; the text says which
 * one was hit. Headers RateLimit-Limit/-Remaining/-Reset are documented by Asaas. */
#define AM_ERR_RATE_LIMIT "rate_limit_exceeded"
#define AM_TXT_RATE_LIMIT_QUOTA                                                                   \
    "A cota de requisições da conta para o período atual foi excedida. Aguarde o reinício "       \
    "da janela"
#define AM_TXT_RATE_LIMIT_CONCURRENT "Limite de requisições GET simultâneas da conta excedido"
#define AM_TXT_RATE_LIMIT_ENDPOINT                                                                \
    "Limite de requisições para este endpoint excedido. Aguarde o reinício da janela"

/* UNCONFIRMED: bodies of injected server-side errors (status faults). The real 5xx bodies
 * were never captured (some come from CloudFront as HTML); we answer the Asaas envelope so
 * clients exercise their error path, not their HTML parser. */
#define AM_ERR_INTERNAL "internal_error"
#define AM_TXT_INTERNAL "Ocorreu um erro interno. Tente novamente mais tarde"
#define AM_ERR_BAD_GATEWAY "bad_gateway"
#define AM_TXT_BAD_GATEWAY "Falha de comunicação com o servidor de origem"
#define AM_ERR_UNAVAILABLE "service_unavailable"
#define AM_TXT_UNAVAILABLE "Serviço temporariamente indisponível. Tente novamente mais tarde"
#define AM_ERR_GATEWAY_TIMEOUT "gateway_timeout"
#define AM_TXT_GATEWAY_TIMEOUT "O servidor de origem demorou demais para responder"
#define AM_ERR_FORBIDDEN "forbidden"
#define AM_TXT_FORBIDDEN "Acesso negado"
/* Any other injected 4xx/5xx. */
#define AM_ERR_INJECTED "request_failed"
#define AM_TXT_INJECTED "A requisição falhou"

/* Rendering of deleted objects on GET: real Asaas still returns them with deleted:true. */

/* ---- Payments (billing.c, api_payments.c) ----------------------------------------- */
/* Confirmed (captured): empty create body -> invalid_customer, single error. */
#define AM_ERR_PAY_CUSTOMER "invalid_customer"
#define AM_TXT_PAY_CUSTOMER "Customer inválido ou não informado."
/* Confirmed (doc example) for a missing value; UNCONFIRMED for a non-positive one. */
#define AM_ERR_PAY_VALUE "invalid_value"
#define AM_TXT_PAY_VALUE_MISSING "O campo value deve ser informado"
#define AM_TXT_PAY_VALUE_INVALID "O valor da cobrança deve ser maior que zero."
/* UNCONFIRMED texts for billingType. */
#define AM_ERR_PAY_BILLING_TYPE "invalid_billingType"
#define AM_TXT_PAY_BILLING_TYPE_MISSING "O campo billingType deve ser informado."
#define AM_TXT_PAY_BILLING_TYPE_INVALID "Forma de pagamento inválida."
/* Confirmed (captured 2026-09): dueDate before today; UNCONFIRMED: missing / malformed. */
#define AM_ERR_PAY_DUE_DATE "invalid_dueDate"
#define AM_TXT_PAY_DUE_DATE_PAST "Não é permitido data de vencimento inferior a hoje."
#define AM_TXT_PAY_DUE_DATE_MISSING "O campo dueDate deve ser informado."
#define AM_TXT_PAY_DUE_DATE_INVALID "A data de vencimento informada é inválida."
/* Confirmed (captured): the sandbox declines exactly these two numbers. */
#define AM_CARD_DECLINE_1 "5184019740373151"
#define AM_CARD_DECLINE_2 "4916561358240741"
#define AM_ERR_CARD_DECLINED "invalid_action"
#define AM_TXT_CARD_DECLINED                                                                      \
    "Transação não autorizada. Verifique os dados do cartão de crédito e tente novamente."
/* Confirmed (captured): unknown or other customer's token; %s is the token. */
#define AM_ERR_CARD_TOKEN "invalid_creditCard"
#define AM_TXT_CARD_TOKEN_FMT "CreditCardToken %s não encontrado."
/* Captured (tokenization probe): creditCardToken sent with a ccv is refused with 400; the
 * body was not recorded, so code and text are UNCONFIRMED. */
#define AM_TXT_CARD_TOKEN_WITH_CCV                                                                \
    "Não é permitido informar o código de segurança (ccv) junto com o creditCardToken."
/* AM_CARD_RULES (UNCONFIRMED where noted), applied by api/input.c to every endpoint that
 * takes card data (payments, payWithCreditCard, tokenize, installments, subscriptions):
 * - expiry: expiryMonth 1..12, expiryYear with 2-digit years read as 20YY, not before the
 *   current month of the account clock (reference: "any future expiry" approves; past
 *   expiry UNCONFIRMED);
 * - ccv: 3 or 4 digits, as a string or a JSON number (schema says string; Jackson-style
 *   coercion of numbers UNCONFIRMED);
 * - creditCardHolderInfo: name, email, cpfCnpj, postalCode, addressNumber and phone all
 *   present (schema marks them required), numbers accepted for each;
 * - a creditCardToken beside a ccv is refused on every endpoint (captured on pay only). */
/* UNCONFIRMED: texts for missing card data / holder info / remoteIp. */
#define AM_ERR_CARD "invalid_creditCard"
#define AM_TXT_CARD_MISSING "Informe os dados do cartão de crédito."
#define AM_TXT_CARD_NUMBER "O número do cartão de crédito informado é inválido."
#define AM_TXT_CARD_EXPIRY "A data de validade do cartão de crédito é inválida."
#define AM_TXT_CARD_CCV "O código de segurança do cartão de crédito é inválido."
#define AM_TXT_CARD_HOLDER_NAME "O nome impresso no cartão deve ser informado."
#define AM_ERR_CARD_HOLDER "invalid_creditCardHolderInfo"
#define AM_TXT_CARD_HOLDER "Informe os dados do titular do cartão de crédito."
#define AM_ERR_REMOTE_IP "invalid_remoteIp"
#define AM_TXT_REMOTE_IP "O IP do cliente deve ser informado."
/* UNCONFIRMED: installment purchase limits and texts (card up to 21x as Asaas advertises;
 * other methods up to 60x). */
#define AM_INSTALLMENTS_MAX_CARD 21
#define AM_INSTALLMENTS_MAX 60
#define AM_ERR_INSTALLMENT_COUNT "invalid_installmentCount"
#define AM_TXT_INSTALLMENT_COUNT "O número de parcelas informado é inválido."
#define AM_ERR_INSTALLMENT_VALUE "invalid_installmentValue"
#define AM_TXT_INSTALLMENT_VALUE "O valor da parcela deve ser maior que zero."
/* UNCONFIRMED: discount/fine/interest validation. */
#define AM_ERR_DISCOUNT "invalid_discount"
#define AM_TXT_DISCOUNT "O desconto informado é inválido."
#define AM_ERR_FINE "invalid_fine"
#define AM_TXT_FINE "A multa informada é inválida."
#define AM_ERR_INTEREST "invalid_interest"
#define AM_TXT_INTEREST "Os juros informados são inválidos."
/* Confirmed (captured): linha digitável of a non-boleto charge. */
#define AM_ERR_PAY_ACTION "invalid_action"
#define AM_TXT_PAY_ID_FIELD_NOT_BOLETO                                                            \
    "Somente é possível obter linha digitável quando a forma de pagamento for boleto bancário."
/* UNCONFIRMED: invalid_action texts of state-machine refusals. */
#define AM_TXT_PAY_DELETED "Esta cobrança foi removida."
#define AM_TXT_PAY_NOT_DELETED "Esta cobrança não está removida."
#define AM_TXT_PAY_CANNOT_DELETE "Não é possível remover uma cobrança já paga ou estornada."
#define AM_TXT_PAY_CANNOT_UPDATE "Só é possível alterar cobranças aguardando pagamento ou vencidas."
#define AM_TXT_PAY_CANNOT_CONFIRM "Só é possível confirmar cobranças aguardando pagamento ou vencidas."
#define AM_TXT_PAY_CANNOT_OVERDUE "Só é possível vencer cobranças aguardando pagamento."
#define AM_TXT_PAY_CANNOT_REFUND "Não é possível estornar uma cobrança que não foi paga."
#define AM_TXT_PAY_REFUND_VALUE "O valor do estorno não pode ser maior que o valor disponível para estorno."
#define AM_TXT_PAY_CANNOT_CASH "Só é possível receber em dinheiro cobranças aguardando pagamento ou vencidas."
#define AM_TXT_PAY_CANNOT_UNDO_CASH "Esta cobrança não foi recebida em dinheiro."
#define AM_TXT_PAY_CANNOT_CAPTURE "Só é possível capturar cobranças pré-autorizadas."
#define AM_TXT_PAY_CANNOT_PAY_CARD "Só é possível pagar com cartão cobranças aguardando pagamento ou vencidas."
#define AM_ERR_PAY_DATE "invalid_paymentDate"
#define AM_TXT_PAY_DATE "A data de pagamento informada é inválida."
/* UNCONFIRMED timing (mock rules; the real sandbox needs real waiting):
 * - OVERDUE: the daily job marks PENDING charges whose dueDate < today (the day after the
 *   due date, at the start of the simulated day);
 * - boleto (and UNDEFINED paid as boleto) credits AM_BOLETO_CREDIT_BUSINESS_DAYS business
 *   days after payment; Pix credits the same day (RECEIVED at once, confirmed);
 * - card: creditDate = confirmation + AM_CARD_CREDIT_DAYS x installment number, rolled to
 *   the next business day (captured 2026-07). */
#define AM_BOLETO_CREDIT_BUSINESS_DAYS 1
#define AM_CARD_CREDIT_DAYS 32
/* UNCONFIRMED: receiveInCash emits PAYMENT_RECEIVED (no dedicated event in the enum);
 * undo emits PAYMENT_RECEIVED_IN_CASH_UNDONE (documented). */
#define AM_EVENT_RECEIVED_IN_CASH "PAYMENT_RECEIVED"
/* UNCONFIRMED: refunds (card, Pix and boleto alike) complete at once with status DONE; the
 * fee is not given back; a refund of a CONFIRMED card charge cancels it before any credit
 * (no ledger lines). */
/* Captured: the payment's Pix QR code expires one year after the due date, 23:59:59. */
#define AM_PIX_QR_EXPIRATION_YEARS 1
#define AM_PIX_MERCHANT_NAME "ASAAS MOCK"
#define AM_PIX_MERCHANT_CITY "JOINVILLE"
/* Hosted pages (src/pages). Captured: the paths /i/<id without pay_>, /b/pdf/<same>,
 * /comprovantes/<16 digits>; only the host differs (public_url.h).
 * UNCONFIRMED: every opening of the invoice page sets lastInvoiceViewedDate and emits
 * PAYMENT_CHECKOUT_VIEWED, every download of the boleto PDF sets lastBankSlipViewedDate
 * and emits PAYMENT_BANK_SLIP_VIEWED (not only the first; none for a deleted charge);
 * the page's Pix button settles the charge as POST /v3/sandbox/payment/{id}/confirm and
 * its card form as POST /v3/payments/{id}/payWithCreditCard (same events, same errors). */
#define AM_EVT_CHECKOUT_VIEWED "PAYMENT_CHECKOUT_VIEWED"
#define AM_EVT_BANK_SLIP_VIEWED "PAYMENT_BANK_SLIP_VIEWED"
/* UNCONFIRMED: bank code and free-field layout of the mock's boletos (461 = Asaas IP). */
#define AM_BOLETO_BANK "461"
/* UNCONFIRMED: list filter errors and the Pix QR code of a card charge. */
#define AM_ERR_FILTER_STATUS "invalid_status"
#define AM_TXT_FILTER_STATUS "O status informado é inválido."
#define AM_TXT_FILTER_DATE "A data informada no filtro é inválida."
#define AM_TXT_PAY_PIX_NOT_AVAILABLE                                                              \
    "Somente é possível obter o QR Code Pix de cobranças Pix, boleto ou com forma de pagamento a definir."
/* UNCONFIRMED: GET /payments/limits numbers. */
#define AM_PAY_LIMIT_DAILY 200000

/* ---- Installments, subscriptions, finance, jobs ---- */
/* Subscriptions: field validation (codes follow invalid_<field>). */
#define AM_ERR_SUB_NEXT_DUE_DATE "invalid_nextDueDate"
#define AM_TXT_SUB_NEXT_DUE_DATE_MISSING "O campo nextDueDate deve ser informado."
#define AM_TXT_SUB_NEXT_DUE_DATE_INVALID "A data do próximo vencimento informada é inválida."
#define AM_TXT_SUB_NEXT_DUE_DATE_PAST "Não é permitido data de vencimento inferior a hoje."
#define AM_ERR_SUB_CYCLE "invalid_cycle"
#define AM_TXT_SUB_CYCLE_MISSING "O campo cycle deve ser informado."
#define AM_TXT_SUB_CYCLE_INVALID "Periodicidade inválida."
#define AM_ERR_SUB_END_DATE "invalid_endDate"
#define AM_TXT_SUB_END_DATE "A data de término deve ser igual ou posterior ao próximo vencimento."
#define AM_ERR_SUB_MAX_PAYMENTS "invalid_maxPayments"
#define AM_TXT_SUB_MAX_PAYMENTS "O número máximo de cobranças deve ser maior que zero."
#define AM_ERR_SUB_STATUS "invalid_status"
#define AM_TXT_SUB_STATUS "Situação inválida: informe ACTIVE ou INACTIVE."
#define AM_ERR_SUB_SPLIT "invalid_split"
#define AM_TXT_SUB_SPLIT "O split informado é inválido."
#define AM_ERR_SUB_ACTION "invalid_action"
#define AM_TXT_SUB_DELETED "Não é possível alterar uma assinatura removida."

/* Installments. */
#define AM_ERR_INST_ACTION "invalid_action"
#define AM_TXT_INST_CANNOT_DELETE                                                                 \
    "Não é possível remover um parcelamento que possui cobranças pagas. Estorne-as antes."
#define AM_TXT_INST_CANNOT_REFUND "Não há cobranças pagas neste parcelamento para estornar."
#define AM_TXT_INST_DELETED "Este parcelamento foi removido."

/* Finance. */
#define AM_ERR_FIN_DATE "invalid_date"
#define AM_TXT_FIN_DATE "A data informada é inválida. Use o formato AAAA-MM-DD."
#define AM_ERR_FIN_ORDER "invalid_order"
#define AM_TXT_FIN_ORDER "O parâmetro order deve ser asc ou desc."
/* (AM_ERR_FILTER_STATUS / AM_TXT_FILTER_STATUS come from asaas_facts.h.) */
#define AM_ERR_FILTER_BILLING_TYPE "invalid_billingType"
#define AM_TXT_FILTER_BILLING_TYPE "Forma de pagamento inválida."

/* Choices (documented in the README's "Unconfirmed behaviour" table):
 * - a subscription's month-based cycles keep the day of month of its nextDueDate and
 *   clamp it to the month's end (Jan 31 -> Feb 28/29 -> Mar 31);
 * - later charges are generated AM_SUBSCRIPTION_LEAD_DAYS (40, documented) before their
 *   due date by the daily job; the first one at once on create;
 * - a subscription that can generate no further charge (maxPayments reached or next due
 *   date past endDate) becomes EXPIRED when its last charge is generated, with a
 *   SUBSCRIPTION_UPDATED event; status INACTIVE emits SUBSCRIPTION_INACTIVATED;
 * - the response renders endDate, maxPayments and discount after split, only when set;
 * - updatePendingPayments applies value/billingType/description/discount/fine/interest
 *   changes to the subscription's PENDING charges (not OVERDUE);
 * - deleting a subscription deletes its PENDING and OVERDUE charges; paid ones stay;
 * - card subscriptions: the first charge is paid on create, later ones are charged on
 *   their due date by the daily job with the stored card token;
 * - installments: descriptions "Parcela N de M." (+ " " + request description);
 *   deleting an installment with paid charges is refused; its refund refunds every paid
 *   charge in full; DELETE /installments/{id}/payments answers the installment;
 * - GET /financialTransactions is oldest first unless order=desc;
 * - GET /myAccount/status starts PENDING everywhere until POST
 *   /sandbox/myAccount/approve, which emits ACCOUNT_STATUS_*_APPROVED events. */


/* Webhook configs (§5.9). UNCONFIRMED: the real validation bodies were never captured;
 * codes follow the API's invalid_<field> style. */
#define AM_ERR_WEBHOOK_NAME "invalid_name"
#define AM_TXT_WEBHOOK_NAME "O nome do webhook deve ser informado."
#define AM_ERR_WEBHOOK_URL "invalid_url"
#define AM_TXT_WEBHOOK_URL_MISSING "A URL do webhook deve ser informada."
#define AM_TXT_WEBHOOK_URL "A URL informada é inválida. Informe uma URL http:// ou https://."
#define AM_ERR_WEBHOOK_EMAIL "invalid_email"
#define AM_TXT_WEBHOOK_EMAIL_MISSING "O email deve ser informado."
#define AM_TXT_WEBHOOK_EMAIL "O email informado é inválido."
#define AM_ERR_WEBHOOK_SEND_TYPE "invalid_sendType"
#define AM_TXT_WEBHOOK_SEND_TYPE "O tipo de envio (sendType) deve ser SEQUENTIALLY ou NON_SEQUENTIALLY."
#define AM_ERR_WEBHOOK_EVENTS "invalid_events"
#define AM_TXT_WEBHOOK_EVENTS_MISSING "Informe ao menos um evento."
#define AM_TXT_WEBHOOK_EVENT_FMT "O evento %s é inválido."
#define AM_ERR_WEBHOOK_TOKEN "invalid_authToken"
#define AM_TXT_WEBHOOK_TOKEN "O authToken deve ter entre 32 e 255 caracteres."
#define AM_ERR_WEBHOOK_API_VERSION "invalid_apiVersion"
#define AM_TXT_WEBHOOK_API_VERSION "A versão da API deve ser 3."
#define AM_ERR_WEBHOOK_LIMIT "invalid_action"
#define AM_TXT_WEBHOOK_LIMIT "O limite de 10 webhooks por conta foi atingido."

/* Webhook delivery (§7.2). UNCONFIRMED choices:
 * - the penalty is per config: after the k-th consecutive failure nothing of that config
 *   is sent before the schedule's delay for attempt k+1, in both send types (a penalised
 *   NON_SEQUENTIALLY config probes with one event at a time); 15 failures in a row set
 *   interrupted; penalizedRequestsCount shows the consecutive failures;
 * - NON_SEQUENTIALLY sends at most AM_WEBHOOK_PARALLEL (4) events of a config at once;
 * - a disabled config (enabled: false) queues nothing new and sends nothing; its backlog
 *   waits until it is enabled again;
 * - events emitted before a config existed are not delivered to it;
 * - removeBackoff clears the penalty and the interruption (like PUT interrupted: false);
 * - request timeout AM_WEBHOOK_TIMEOUT_DEFAULT_MS (10 s, --webhook-timeout);
 * - User-Agent AM_WEBHOOK_USER_AGENT. */
#define AM_WEBHOOK_TIMEOUT_DEFAULT_MS 10000
#define AM_WEBHOOK_USER_AGENT "asaas-mock-webhook/1.0"
/* What the corrupt-token webhook fault sends instead of the config's token. */
#define AM_WEBHOOK_CORRUPT_TOKEN "asaas-mock-corrupted-token-0000000000000000"

/* Integration security report (issue 19; docs/security-report.md). Asaas publishes the
 * practice (Security Best Practices, Authentication) but no numbers; our choices:
 * - a key is rotation-overdue when older than AM_SEC_ROTATION_DAYS_DEFAULT days on the
 *   account's clock (--key-rotation-days); "unused" means no use for
 *   AM_SEC_UNUSED_KEY_DAYS days;
 * - reading one payment (GET /v3/payments/{id} or /status) again within
 *   AM_SEC_POLL_INTERVAL_DEFAULT_S seconds while an enabled webhook config wants
 *   PAYMENT_RECEIVED/CONFIRMED/OVERDUE/UPDATED is polling (--status-poll-interval);
 * - a key failing 5 times within 10 s is a tight retry loop (secreport.h);
 * - TLS 1.3 is always offered by the mock, so TLS 1.2 means the client capped it. */
#define AM_SEC_ROTATION_DAYS_DEFAULT 90
#define AM_SEC_UNUSED_KEY_DAYS 30
#define AM_SEC_POLL_INTERVAL_DEFAULT_S 30


/* ---- area links ---- */
/* Payment links, checkouts, invoices, fiscal info and dunning (§5.10). UNCONFIRMED (no
 * capture): every code and text below follows the invalid_<field> family; the choices
 * are listed in the README's "Unconfirmed behaviour" table:
 * - paying a link or a checkout (the real route is the hosted page) is the sandbox-style
 *   action POST /v3/sandbox/paymentLinks/{id}/pay (and .../view, which counts a view;
 *   paying counts one too) and POST /v3/sandbox/checkouts/{id}/pay;
 * - a link's charge is due today + dueDateLimitDays (AM_LINK_DUE_DAYS_DEFAULT when null);
 * - images: jpg/png/gif/webp by their bytes, at most AM_LINK_IMAGE_MAX_BYTES each and
 *   AM_LINK_IMAGES_MAX per link (links.h); the first image is the main one;
 * - a checkout expires minutesToExpire after creation (default 60), seen by the next
 *   request or the daily job; the event carries the expiry instant;
 * - invoices are authorized by the daily job of the first day after they were scheduled
 *   that is on or after effectiveDate (ERROR when their payment was deleted or refunded
 *   by then); cancelling an AUTHORIZED one passes PROCESSING_CANCELLATION until the next
 *   day's job; each authorization debits AM_INVOICE_FEE_CENTS (INVOICE_FEE);
 * - dunning: allowed for OVERDUE charges; PENDING until documents are sent (with the
 *   request or later), then AWAITING_APPROVAL, PROCESSED by the next day's job with the
 *   request fee AM_DUNNING_FEE_CENTS (PAYMENT_DUNNING_REQUEST_FEE), PAID once the charge
 *   is paid; cancel of a PROCESSED one passes AWAITING_CANCELLATION until the next job. */
#define AM_ERR_MULTIPART "invalid_multipart"
#define AM_LINK_DUE_DAYS_DEFAULT 10
#define AM_ERR_LINK_NAME "invalid_name"
#define AM_TXT_LINK_NAME "O nome do link de pagamento deve ser informado."
#define AM_ERR_LINK_BILLING_TYPE "invalid_billingType"
#define AM_TXT_LINK_BILLING_TYPE "Informe uma forma de pagamento válida: UNDEFINED, BOLETO, CREDIT_CARD ou PIX."
#define AM_ERR_LINK_CHARGE_TYPE "invalid_chargeType"
#define AM_TXT_LINK_CHARGE_TYPE "Informe um tipo de cobrança válido: DETACHED, RECURRENT ou INSTALLMENT."
#define AM_ERR_LINK_VALUE "invalid_value"
#define AM_TXT_LINK_VALUE "O valor deve ser maior que zero."
#define AM_ERR_LINK_CYCLE "invalid_subscriptionCycle"
#define AM_TXT_LINK_CYCLE "Informe a periodicidade (subscriptionCycle) da assinatura."
#define AM_ERR_LINK_MAX_INSTALLMENTS "invalid_maxInstallmentCount"
#define AM_TXT_LINK_MAX_INSTALLMENTS "O número máximo de parcelas deve estar entre 1 e 21."
#define AM_LINK_MAX_INSTALLMENTS 21
#define AM_ERR_LINK_DUE_DAYS "invalid_dueDateLimitDays"
#define AM_TXT_LINK_DUE_DAYS "A quantidade de dias para vencimento deve ser zero ou maior."
#define AM_ERR_LINK_END_DATE "invalid_endDate"
#define AM_TXT_LINK_END_DATE "A data de encerramento deve ser uma data válida, igual ou posterior a hoje."
#define AM_ERR_LINK_CALLBACK "invalid_callback"
#define AM_TXT_LINK_CALLBACK "Informe a URL de sucesso (successUrl) com até 255 caracteres."
#define AM_ERR_LINK_ACTION "invalid_action"
#define AM_TXT_LINK_DELETED "Este link de pagamento foi removido."
#define AM_TXT_LINK_NOT_DELETED "Este link de pagamento não está removido."
#define AM_TXT_LINK_INACTIVE "Este link de pagamento não está ativo."
#define AM_ERR_LINK_IMAGE "invalid_image"
#define AM_TXT_LINK_IMAGE_MISSING "Envie a imagem no campo image (multipart/form-data)."
#define AM_TXT_LINK_IMAGE_FORMAT "A imagem deve ser JPG, PNG, GIF ou WEBP."
#define AM_TXT_LINK_IMAGE_SIZE "A imagem deve ter no máximo 512 KB."
#define AM_TXT_LINK_IMAGE_COUNT "O link de pagamento já possui o máximo de 5 imagens."
#define AM_ERR_LINK_INSTALLMENT_COUNT "invalid_installmentCount"
#define AM_TXT_LINK_INSTALLMENT_COUNT "O número de parcelas deve estar entre 1 e o máximo do link."
#define AM_ERR_CHECKOUT_BILLING_TYPES "invalid_billingTypes"
#define AM_TXT_CHECKOUT_BILLING_TYPES "Informe ao menos uma forma de pagamento: CREDIT_CARD ou PIX."
#define AM_ERR_CHECKOUT_CHARGE_TYPES "invalid_chargeTypes"
#define AM_TXT_CHECKOUT_CHARGE_TYPES "Informe ao menos um tipo de cobrança: DETACHED, RECURRENT ou INSTALLMENT."
#define AM_ERR_CHECKOUT_MINUTES "invalid_minutesToExpire"
#define AM_TXT_CHECKOUT_MINUTES "O tempo de expiração deve estar entre 10 e 1440 minutos."
#define AM_ERR_CHECKOUT_CALLBACK "invalid_callback"
#define AM_TXT_CHECKOUT_CALLBACK "Informe as URLs de sucesso (successUrl) e de cancelamento (cancelUrl)."
#define AM_ERR_CHECKOUT_ITEMS "invalid_items"
#define AM_TXT_CHECKOUT_ITEMS "Informe ao menos um item com name (até 30 caracteres), quantity, value e imageBase64."
#define AM_ERR_CHECKOUT_SUBSCRIPTION "invalid_subscription"
#define AM_TXT_CHECKOUT_SUBSCRIPTION "Informe subscription.cycle e subscription.nextDueDate para cobranças recorrentes."
#define AM_ERR_CHECKOUT_INSTALLMENT "invalid_installment"
#define AM_TXT_CHECKOUT_INSTALLMENT "installment.maxInstallmentCount deve estar entre 1 e 21 e exige o tipo INSTALLMENT."
#define AM_ERR_CHECKOUT_ACTION "invalid_action"
#define AM_TXT_CHECKOUT_NOT_ACTIVE "Este checkout não está ativo."
#define AM_ERR_CHECKOUT_CHARGE_TYPE "invalid_chargeType"
#define AM_TXT_CHECKOUT_CHARGE_TYPE "Escolha um dos tipos de cobrança do checkout."
#define AM_ERR_CHECKOUT_BILLING_TYPE "invalid_billingType"
#define AM_TXT_CHECKOUT_BILLING_TYPE "Escolha uma das formas de pagamento do checkout."
#define AM_ERR_PAYER_CUSTOMER "invalid_customer"
#define AM_TXT_PAYER_CUSTOMER "Informe o customer ou os dados do pagador (customerData)."

#define AM_ERR_FISCAL_EMAIL "invalid_email"
#define AM_TXT_FISCAL_EMAIL "Informe um email válido para o envio das notas fiscais."
#define AM_ERR_FISCAL_SIMPLES "invalid_simplesNacional"
#define AM_TXT_FISCAL_SIMPLES "Informe se a empresa é optante pelo Simples Nacional (simplesNacional)."
#define AM_ERR_FISCAL_ENABLED "invalid_enabled"
#define AM_TXT_FISCAL_ENABLED "Informe enabled (true ou false)."
/* The real API answers GET /v3/fiscalInfo with 404 while none was saved (doc FAQ). */
#define AM_ERR_INVOICE_NO_FISCAL "invalid_action"
#define AM_TXT_INVOICE_NO_FISCAL "Antes de emitir notas fiscais é necessário configurar as informações fiscais da conta."
#define AM_ERR_INVOICE_PAYMENT "invalid_payment"
#define AM_TXT_INVOICE_PAYMENT "A cobrança informada não existe ou foi removida."
#define AM_ERR_INVOICE_INSTALLMENT "invalid_installment"
#define AM_TXT_INVOICE_INSTALLMENT "O parcelamento informado não existe ou foi removido."
#define AM_ERR_INVOICE_CUSTOMER "invalid_customer"
#define AM_TXT_INVOICE_ORIGIN "Informe a cobrança (payment), o parcelamento (installment) ou o cliente (customer) da nota fiscal."
#define AM_TXT_INVOICE_FIELD_FMT "O campo %s deve ser informado."
#define AM_ERR_INVOICE_VALUE "invalid_value"
#define AM_TXT_INVOICE_VALUE "O valor da nota fiscal deve ser maior que zero."
#define AM_ERR_INVOICE_DEDUCTIONS "invalid_deductions"
#define AM_TXT_INVOICE_DEDUCTIONS "As deduções devem ser zero ou maiores e menores que o valor."
#define AM_ERR_INVOICE_EFFECTIVE_DATE "invalid_effectiveDate"
#define AM_TXT_INVOICE_EFFECTIVE_DATE "A data de emissão deve ser uma data válida, igual ou posterior a hoje."
#define AM_ERR_INVOICE_TAXES "invalid_taxes"
#define AM_TXT_INVOICE_TAXES "Informe os impostos: retainIss (true ou false) e iss, pis, cofins, csll, inss e ir entre 0 e 100."
#define AM_ERR_INVOICE_ACTION "invalid_action"
#define AM_TXT_INVOICE_NOT_SCHEDULED "Somente notas fiscais agendadas podem ser alteradas ou emitidas."
#define AM_TXT_INVOICE_NOT_CANCELABLE "Esta nota fiscal não pode ser cancelada."
#define AM_ERR_INVOICE_STATUS "invalid_status"
#define AM_TXT_INVOICE_STATUS "Status inválido."

#define AM_ERR_DUNNING_PAYMENT "invalid_payment"
#define AM_TXT_DUNNING_PAYMENT "Informe uma cobrança existente."
#define AM_ERR_DUNNING_TYPE "invalid_type"
#define AM_TXT_DUNNING_TYPE "O tipo de negativação deve ser CREDIT_BUREAU."
#define AM_TXT_DUNNING_FIELD_FMT "O campo %s deve ser informado."
#define AM_ERR_DUNNING_CPF_CNPJ "invalid_customerCpfCnpj"
#define AM_TXT_DUNNING_CPF_CNPJ "O CPF/CNPJ informado é inválido."
#define AM_ERR_DUNNING_ACTION "invalid_action"
#define AM_TXT_DUNNING_NO_DOCUMENTS "Esta negativação não aguarda documentos."
#define AM_TXT_DUNNING_DOCUMENTS_MISSING "Envie os documentos no campo documents (multipart/form-data)."
#define AM_TXT_DUNNING_NOT_CANCELABLE "A negativação não pode mais ser cancelada."
#define AM_ERR_DUNNING_STATUS "invalid_status"

/* ---- area accounts ---- */
/* Subaccounts (POST /v3/accounts). UNCONFIRMED choices:
 * - required fields are checked in the spec's order, first error only, as
 *   invalid_<field>; companyType is required for a CNPJ; the login e-mail (loginEmail,
 *   else email) is unique among the parent's open subaccounts;
 * - the webhooks[] of the create body are accepted and not configured;
 * - the subaccount's clock starts where the parent's is and moves on its own;
 * - its first key is named AM_SUBACCOUNT_KEY_NAME and never expires;
 * - only the parent's keys find a subaccount: any other caller gets 404 not_found;
 * - closing disables the subaccount's keys (they stop authenticating) and its object
 *   leaves GET /v3/accounts; its key routes answer invalid_action afterwards;
 * - commercialInfoExpiration.scheduledDate is creation + AM_COMMERCIAL_INFO_VALID_DAYS;
 * - the account number is agency 0001, 6 digits and a mod-11 digit derived from the id;
 * - a disabled key shows disabledReason MANUAL;
 * - PUT .../accessTokens/{id} requires name and enabled; expirationDate absent or null
 *   means the key never expires; a past expirationDate is refused. */
#define AM_SUBACCOUNT_KEY_NAME "Chave de API"
#define AM_COMMERCIAL_INFO_VALID_DAYS 365
#define AM_TXT_SUBACCOUNT_REQUIRED_FMT "O campo %s deve ser informado."
#define AM_TXT_SUBACCOUNT_BIRTH_DATE "A data de nascimento informada é inválida."
#define AM_TXT_SUBACCOUNT_COMPANY_TYPE "Informe o tipo de empresa: MEI, LIMITED, INDIVIDUAL ou ASSOCIATION."
#define AM_TXT_SUBACCOUNT_INCOME "Informe o faturamento/renda mensal (incomeValue)."
#define AM_TXT_SUBACCOUNT_EMAIL_IN_USE "O email informado já está em uso."
/* Confirmed texts (spec examples). */
#define AM_TXT_SUBACCOUNT_CLOSED "A subconta já foi encerrada"
#define AM_TXT_SUBACCOUNT_LINK_RESENT "O link de ativação já foi reenviado para esta subconta."
#define AM_TXT_ACCESS_TOKEN_LIMIT "A conta já possui o número máximo de 10 chaves de API"
#define AM_TXT_ACCESS_TOKEN_EXPIRATION "A data de expiração deve ser futura (AAAA-MM-DD HH:MM:SS)."
#define AM_TXT_ACCESS_TOKEN_NAME "O nome da chave deve ser informado."
#define AM_TXT_ACCESS_TOKEN_ENABLED "Informe se a chave está habilitada (enabled)."

/* Account info. UNCONFIRMED: commercial info of an account not created through the API
 * starts from its name with status APPROVED; POST merges the fields sent (unknown fields
 * are ignored), answers the whole object and emits no event; the checkout
 * personalization is taken as JSON or multipart (logoFile accepted up to
 * AM_MY_ACCOUNT_FILE_MAX bytes, kept as its size only) and starts AWAITING_APPROVAL;
 * DELETE /v3/myAccount is refused for an account that is no subaccount
 * (AM_TXT_MY_ACCOUNT_NOT_SUBACCOUNT), needs removeReason, disables the account's keys
 * and answers AM_TXT_MY_ACCOUNT_DISABLED. */
#define AM_TXT_MY_ACCOUNT_NOT_SUBACCOUNT "Somente subcontas podem ser removidas por este endpoint."
#define AM_TXT_MY_ACCOUNT_DISABLED "Conta desabilitada com sucesso"
#define AM_TXT_MY_ACCOUNT_REMOVE_REASON "Informe o motivo da remoção (removeReason)."
#define AM_TXT_CHECKOUT_COLOR "As cores devem ser informadas no formato hexadecimal (#RRGGBB)."

/* Account documents. UNCONFIRMED: the groups asked of every account are the ones below;
 * an upload (multipart, the part "documentFile", at most AM_MY_ACCOUNT_FILE_MAX bytes,
 * kept in memory as its name, type and size) is PENDING and stays so (the sandbox
 * approves the account, not each file); a file can be replaced or removed while not
 * APPROVED; the group's status is its newest file's. */
#define AM_MY_ACCOUNT_FILE_MAX (10u * 1024u * 1024u)
#define AM_MY_ACCOUNT_DOC_GROUPS                                                                  \
    {"IDENTIFICATION", "Documento de identificação com foto", "ASAAS_ACCOUNT_OWNER"},            \
    {"IDENTIFICATION_SELFIE", "Selfie segurando o documento", "ASAAS_ACCOUNT_OWNER"},           \
    {"SOCIAL_CONTRACT", "Contrato social", "ASAAS_ACCOUNT_OWNER"}
#define AM_TXT_DOCUMENT_FILE "Envie o arquivo do documento (documentFile) como multipart/form-data."
#define AM_TXT_DOCUMENT_SIZE "O arquivo excede o tamanho máximo de 10 MB."
#define AM_TXT_DOCUMENT_TYPE "O tipo de documento informado é inválido."
#define AM_TXT_DOCUMENT_APPROVED "Documento já aprovado não pode ser alterado."

/* Splits. UNCONFIRMED choices:
 * - percentualValue applies to the payment's netValue (value - fee), fixedValue is per
 *   payment, totalFixedValue is divided over an installment's payments like its value;
 * - a walletId must name another existing account (AM_TXT_SPLIT_WALLET), not the payer;
 * - the parts may not exceed the netValue (AM_TXT_SPLIT_EXCEEDS);
 * - parts are paid when the payment is credited: the payer's ledger gets a DEBIT line and
 *   each receiver a CREDIT line, both naming the split (splitId); the split is DONE;
 *   before that it is PENDING (AWAITING_CREDIT once received, not yet credited);
 * - a split payment that is refunded or deleted before credit cancels its parts
 *   (CANCELLED, cancellationReason PAYMENT_REFUNDED / PAYMENT_DELETED /
 *   PAYMENT_RECEIVED_IN_CASH) and emits PAYMENT_SPLIT_CANCELLED with the payment as its
 *   snapshot; a part paid is final (a later refund does not reverse it). */
#define AM_ERR_SPLIT "invalid_split"
#define AM_TXT_SPLIT_WALLET "A carteira (walletId) informada no split não existe."
#define AM_TXT_SPLIT_SELF "Não é permitido informar a própria carteira no split."
#define AM_TXT_SPLIT_VALUE "Informe fixedValue, percentualValue ou totalFixedValue em cada split."
#define AM_TXT_SPLIT_EXCEEDS "O valor total do split excede o valor a receber da cobrança."
#define AM_TXT_SPLIT_SHAPE "O split deve ser uma lista de objetos com walletId."


/* ---- area pix ---- */
/* Captured (integrator code quoting the API): a PIX charge on an account with no ACTIVE
 * Pix key. */
#define AM_TXT_PIX_NO_KEY "Não há nenhuma chave Pix disponível para receber cobranças."
/* Documented: only EVP keys through the API; 5 keys (PF) / 20 (PJ); 1 minute between
 * creations. UNCONFIRMED: the mock's accounts count as PJ (20); the texts below. */
#define AM_PIX_KEYS_MAX 20
#define AM_ERR_PIX_ACTION "invalid_action"
#define AM_PIX_KEY_INTERVAL_SECONDS 60
#define AM_ERR_PIX_KEY_TYPE "invalid_type"
#define AM_TXT_PIX_KEY_TYPE "Somente chaves aleatórias (EVP) podem ser criadas pela API."
#define AM_TXT_PIX_KEY_LIMIT "A conta atingiu o limite de chaves Pix permitido."
#define AM_TXT_PIX_KEY_INTERVAL "Aguarde 1 minuto entre a criação de chaves Pix."
#define AM_TXT_PIX_KEY_NOT_DELETABLE "Esta chave Pix não pode ser removida."
#define AM_TXT_PIX_KEY_AWAITING_DELETION "A chave já está em processo de exclusão."
#define AM_TXT_PIX_KEY_DELETED "A chave foi excluída."
/* UNCONFIRMED: every account starts with one ACTIVE EVP key derived from its id (as a
 * sandbox account with a key), dateCreated fixed below; EVP keys are ACTIVE at once;
 * DELETE answers AWAITING_DELETION and the next day's job makes it DELETED. */
#define AM_PIX_INITIAL_KEY_CREATED "2024-01-01 00:00:00"
/* Asaas's ISPB (example of GET /pix/addressKeys/external) and institution name. */
#define AM_PIX_ASAAS_ISPB "19540550"
#define AM_PIX_ASAAS_ISPB_NAME "ASAAS GESTÃO FINANCEIRA INSTITUIÇÃO DE PAGAMENTO S.A."
/* UNCONFIRMED: texts and codes of static QR codes, decode and pay. */
#define AM_ERR_PIX_ADDRESS_KEY "invalid_addressKey"
#define AM_TXT_PIX_ADDRESS_KEY "A chave Pix informada não pertence à sua conta ou não está ativa."
#define AM_ERR_PIX_FORMAT "invalid_format"
#define AM_TXT_PIX_FORMAT "O formato informado é inválido. Use ALL, IMAGE ou PAYLOAD."
#define AM_ERR_PIX_EXPIRATION "invalid_expirationDate"
#define AM_TXT_PIX_EXPIRATION "A data de expiração deve ser futura."
#define AM_ERR_PIX_EXPIRATION_SECONDS "invalid_expirationSeconds"
#define AM_TXT_PIX_EXPIRATION_SECONDS "O campo expirationSeconds deve ser maior que zero."
#define AM_ERR_PIX_EXTERNAL_REFERENCE "invalid_externalReference"
#define AM_TXT_PIX_EXTERNAL_REFERENCE "O campo externalReference deve ter no máximo 100 caracteres."
#define AM_ERR_PIX_VALUE "invalid_value"
#define AM_TXT_PIX_VALUE "O valor informado é inválido."
#define AM_TXT_PIX_VALUE_MISSING "O campo value deve ser informado."
#define AM_ERR_PIX_QRCODE "invalid_qrCode"
#define AM_TXT_PIX_QRCODE_MISSING "O campo qrCode deve ser informado."
#define AM_ERR_PIX_PAYLOAD "invalid_payload"
#define AM_TXT_PIX_PAYLOAD_MISSING "O campo payload deve ser informado."
#define AM_TXT_PIX_PAYLOAD "O QR Code informado é inválido."
#define AM_ERR_PIX_SCHEDULE "invalid_scheduleDate"
#define AM_TXT_PIX_SCHEDULE "A data de agendamento não pode ser anterior a hoje."
#define AM_TXT_PIX_QR_DELETED "Este QR Code foi removido."
#define AM_TXT_PIX_QR_EXPIRED "Este QR Code está expirado."
#define AM_TXT_PIX_QR_ALREADY_PAID "Este QR Code já foi pago."
#define AM_TXT_PIX_CHARGE_NOT_PAYABLE "A cobrança deste QR Code não pode mais ser paga."
#define AM_TXT_PIX_VALUE_DIFFERS "O valor informado difere do valor do QR Code."
#define AM_TXT_PIX_QR_NOT_FOUND "QR Code não encontrado."
/* UNCONFIRMED: the balance refusal of a Pix payment (invalid_action, as Asaas refuses
 * other actions), and the refusal reasons of scheduled payments executed by the job. */
#define AM_TXT_PIX_BALANCE "Saldo insuficiente para realizar o pagamento do QR Code."
#define AM_TXT_PIX_REFUSED_BALANCE "Saldo insuficiente."
#define AM_TXT_PIX_REFUSED_DESTINATION "Destino do pagamento não encontrado."
#define AM_TXT_PIX_CANCEL "Somente transações agendadas podem ser canceladas."
/* UNCONFIRMED: paying a QR code from an account with no ACTIVE key answers 404 (the
 * sandbox docs' "tentar pagar QR Code Pix sem chave cadastrada = erro 404"); paying is
 * free (chargedFeeValue 0, no PIX_TRANSACTION_DEBIT_FEE) and done at once (DONE). */
/* UNCONFIRMED: GET /pix/addressKeys/external and the DICT token bucket. */
#define AM_ERR_PIX_EXT_TYPE "invalid_type"
#define AM_TXT_PIX_EXT_TYPE "O tipo de chave informado é inválido."
#define AM_ERR_PIX_EXT_KEY "invalid_key"
#define AM_TXT_PIX_EXT_KEY "A chave informada é inválida."
#define AM_PIX_TOKEN_BUCKET_CAPACITY 60
/* Recurring Pix (spec: WEEKLY max 51, MONTHLY max 11 occurrences). UNCONFIRMED: texts;
 * recurrences are made by a Pix transfer with "recurring" (transfers area) and by the
 * mock-only sandbox route POST /v3/sandbox/pix/recurrings. */
#define AM_PIX_RECURRING_MAX 51
#define AM_PIX_RECURRING_MAX_MONTHLY 11
#define AM_TXT_PIX_REC_CANCEL "Esta recorrência não pode ser cancelada."
#define AM_TXT_PIX_REC_ITEM_CANCEL "Este item da recorrência não pode ser cancelado."
#define AM_ERR_PIX_REC_FREQUENCY "invalid_frequency"
#define AM_TXT_PIX_REC_FREQUENCY "A periodicidade deve ser WEEKLY ou MONTHLY."
#define AM_ERR_PIX_REC_QUANTITY "invalid_quantity"
#define AM_TXT_PIX_REC_QUANTITY "A quantidade de recorrências é inválida."
/* Automatic Pix. Documented text: the retry refusal. UNCONFIRMED: the other texts;
 * activation by paying the authorization's QR code; the mock convention that the payer
 * refuses every instruction of a contractId starting with "REFUSE". */
#define AM_TXT_PIX_AUTO_NO_RETRY "A autorização não permite retentativas extradia."
#define AM_TXT_PIX_AUTO_RETRY_STATE "Somente instruções de pagamento recusadas podem ser retentadas, até 3 vezes."
#define AM_TXT_PIX_AUTO_NOT_PAYABLE "Esta autorização não está aguardando pagamento."
#define AM_TXT_PIX_AUTO_CANCEL "Esta autorização não pode ser cancelada."
#define AM_PIX_AUTO_CANCEL_REASON "CANCELLED_BY_RECEIVER"
#define AM_PIX_AUTO_REFUSE_PREFIX "REFUSE"
/* UNCONFIRMED: the webhook bodies of PIX_AUTOMATIC_* events carry the object under
 * "authorization" or "paymentInstruction". */
#define AM_TXT_PIX_AUTO_REFUSED "Pagamento recusado pelo pagador."
#define AM_ERR_PIX_AUTO_FIELD_FMT "invalid_%s"
#define AM_TXT_PIX_AUTO_FIELD_FMT "O campo %s é inválido ou não foi informado."
#define AM_ERR_PIX_AUTO_CUSTOMER "invalid_customerId"
#define AM_TXT_PIX_AUTO_CUSTOMER "Customer inválido ou não informado."

/* ---- area moneyout ---- */
/* Transfers, bills, mobile recharges, anticipations and escrow. Texts marked (doc) come
 * from the reference; everything else is an UNCONFIRMED choice (README table). */
#define AM_ASAAS_ISPB "19540550" /* Asaas's ISPB in Pix end-to-end ids */
/* Fees: internal transfers are free (doc); Pix transfers free and TED R$ 5.00 (chosen). */
#define AM_TRANSFER_FEE_PIX_CENTS 0
#define AM_TRANSFER_FEE_TED_CENTS 500
/* An identical transfer (same destination and value) within 15 minutes is refused with
 * 409 (doc: transfers FAQ); the body's code/text are chosen, and the mock checks the
 * newest AM_TRANSFER_DUPLICATE_SCAN transfers only. */
#define AM_TRANSFER_DUPLICATE_SECONDS 900
#define AM_TRANSFER_DUPLICATE_SCAN 200
#define AM_ERR_TRANSFER_DUPLICATE "duplicated_transfer"
#define AM_TXT_TRANSFER_DUPLICATE \
    "Já existe uma transferência idêntica solicitada nos últimos 15 minutos."
#define AM_ERR_TRANSFER_VALUE "invalid_value"
#define AM_TXT_TRANSFER_VALUE_MISSING AM_TXT_PAY_VALUE_MISSING
#define AM_TXT_TRANSFER_VALUE_INVALID "O valor da transferência deve ser maior que zero."
#define AM_ERR_TRANSFER_BALANCE "invalid_action"
#define AM_TXT_TRANSFER_BALANCE "Saldo insuficiente para realizar a transferência."
#define AM_ERR_TRANSFER_WALLET "invalid_walletId"
#define AM_TXT_TRANSFER_WALLET_MISSING "O campo walletId deve ser informado."
#define AM_TXT_TRANSFER_WALLET_UNKNOWN "A carteira informada não existe."
#define AM_TXT_TRANSFER_WALLET_SELF "Não é possível transferir para a sua própria conta."
#define AM_ERR_TRANSFER_DEST "invalid_bankAccount"
#define AM_TXT_TRANSFER_DEST_MISSING "Informe a conta bancária ou a chave Pix de destino."
#define AM_TXT_TRANSFER_BANK_FIELD_FMT "O campo bankAccount.%s deve ser informado."
#define AM_TXT_TRANSFER_BANK_CPF "O CPF/CNPJ do titular da conta é inválido."
#define AM_ERR_TRANSFER_KEY_TYPE "invalid_pixAddressKeyType"
#define AM_TXT_TRANSFER_KEY_TYPE "Tipo de chave Pix inválido."
#define AM_ERR_TRANSFER_KEY "invalid_pixAddressKey"
#define AM_TXT_TRANSFER_KEY "A chave Pix informada é inválida."
#define AM_ERR_TRANSFER_OPERATION "invalid_operationType"
#define AM_TXT_TRANSFER_OPERATION "Tipo de operação inválido."
#define AM_TXT_TRANSFER_OPERATION_KEY "Transferências para chave Pix são sempre do tipo PIX."
#define AM_ERR_TRANSFER_SCHEDULE "invalid_scheduleDate"
#define AM_TXT_TRANSFER_SCHEDULE "A data de agendamento não pode ser anterior a hoje."
#define AM_ERR_TRANSFER_RECURRING "invalid_recurring"
#define AM_TXT_TRANSFER_RECURRING "Recorrência inválida: frequency WEEKLY (até 51) ou MONTHLY (até 11)."
#define AM_ERR_TRANSFER_CANCEL "invalid_action"
#define AM_TXT_TRANSFER_CANCEL "Somente transferências pendentes podem ser canceladas."
#define AM_ERR_TRANSFER_FILTER "invalid_type"
#define AM_TXT_TRANSFER_FILTER "Tipo de transferência inválido."
/* A destination the bank refuses (chosen): a bank account number of only zeros or a Pix
 * e-mail key at AM_TRANSFER_FAIL_DOMAIN; it goes FAILED after BANK_PROCESSING. */
#define AM_TRANSFER_FAIL_DOMAIN "@fail.test"
#define AM_TXT_TRANSFER_FAIL_REASON "Conta de destino inexistente ou encerrada."
#define AM_TXT_TRANSFER_LEDGER "Transferência para conta bancária"
#define AM_TXT_TRANSFER_LEDGER_FEE "Taxa de transferência"
#define AM_TXT_TRANSFER_LEDGER_REVERSAL "Estorno de transferência"
#define AM_TXT_TRANSFER_LEDGER_FEE_REVERSAL "Estorno da taxa de transferência"
#define AM_TXT_TRANSFER_LEDGER_INTERNAL "Transferência para outra conta Asaas"
#define AM_TXT_TRANSFER_LEDGER_INTERNAL_IN "Transferência recebida de outra conta Asaas"
/* Bills: the sandbox pays only boletos issued by Asaas (doc): a slip of bank 461 or a
 * utility slip is PAID, any other bank's slip FAILED (money back). Fee chosen. */
#define AM_BILL_ASAAS_BANK "461"
#define AM_BILL_FEE_CENTS 0
#define AM_BILL_UTILITY_COMPANY "Concessionária"
#define AM_TXT_BILL_FAIL_REASON "Somente boletos emitidos pelo Asaas podem ser pagos no Sandbox."
#define AM_ERR_BILL_FIELD "invalid_identificationField"
#define AM_TXT_BILL_FIELD_MISSING "O campo identificationField deve ser informado."
#define AM_TXT_BILL_FIELD_INVALID "A linha digitável informada é inválida."
#define AM_ERR_BILL_VALUE "invalid_value"
#define AM_TXT_BILL_VALUE "Informe o valor a pagar (value) maior que zero."
#define AM_ERR_BILL_SCHEDULE "invalid_scheduleDate"
#define AM_TXT_BILL_SCHEDULE "A data de agendamento não pode ser anterior a hoje."
#define AM_ERR_BILL_AMOUNT "invalid_value"
#define AM_TXT_BILL_AMOUNT "O valor informado é inválido."
#define AM_ERR_BILL_CANCEL "invalid_action"
#define AM_TXT_BILL_CANCEL "Este pagamento de conta não pode mais ser cancelado."
#define AM_ERR_BILL_BALANCE "invalid_action"
#define AM_TXT_BILL_BALANCE "Saldo insuficiente para realizar o pagamento."
#define AM_ERR_BILL_STATUS "invalid_status"
#define AM_TXT_BILL_STATUS "Status inválido."
#define AM_TXT_BILL_LEDGER "Pagamento de conta"
#define AM_TXT_BILL_LEDGER_FEE "Taxa de pagamento de conta"
#define AM_TXT_BILL_LEDGER_BACK "Estorno de pagamento de conta"
#define AM_TXT_BILL_LEDGER_FEE_BACK "Estorno da taxa de pagamento de conta"
/* Mobile recharges: numbers of 11 digits (DDD + 9xxxxxxxx); the operator is derived
 * from the number; values from R$ 12.00 to R$ 100.00; CONFIRMED the next day (chosen). */
#define AM_RECHARGE_MIN_CENTS 1200
#define AM_RECHARGE_MAX_CENTS 10000
#define AM_ERR_RECHARGE_PHONE "invalid_phoneNumber"
#define AM_TXT_RECHARGE_PHONE_MISSING "O campo phoneNumber deve ser informado."
#define AM_TXT_RECHARGE_PHONE "O número de celular informado é inválido."
#define AM_ERR_RECHARGE_VALUE "invalid_value"
#define AM_TXT_RECHARGE_VALUE_MISSING AM_TXT_PAY_VALUE_MISSING
#define AM_TXT_RECHARGE_VALUE "O valor da recarga deve estar entre R$ 12,00 e R$ 100,00."
#define AM_ERR_RECHARGE_BALANCE "invalid_action"
#define AM_TXT_RECHARGE_BALANCE "Saldo insuficiente para realizar a recarga."
#define AM_ERR_RECHARGE_CANCEL "invalid_action"
#define AM_TXT_RECHARGE_CANCEL "Esta recarga não pode mais ser cancelada."
#define AM_TXT_RECHARGE_LEDGER "Recarga de celular"
#define AM_TXT_RECHARGE_LEDGER_BACK "Estorno de recarga de celular"
/* Anticipations (chosen): card receivables 1.15% and bank slips 1.99% per 30 days on
 * the net value, pro rata; limits R$ 100,000.00 (card) and R$ 50,000.00 (slip); a
 * request above the available limit is DENIED; bank slips need documentation;
 * automatic anticipation requests one per card charge confirmed while it is on, at the
 * next daily job. */
#define AM_ANTICIPATION_CARD_BP_30D 115
#define AM_ANTICIPATION_SLIP_BP_30D 199
#define AM_ANTICIPATION_LIMIT_CARD_CENTS 10000000
#define AM_ANTICIPATION_LIMIT_SLIP_CENTS 5000000
#define AM_ERR_ANTICIPATION_TARGET "invalid_payment"
#define AM_TXT_ANTICIPATION_TARGET "Informe a cobrança (payment) ou o parcelamento (installment)."
#define AM_TXT_ANTICIPATION_NOT_FOUND "A cobrança ou o parcelamento informado não existe."
#define AM_ERR_ANTICIPATION_ACTION "invalid_action"
#define AM_TXT_ANTICIPATION_NOT_ANTICIPABLE \
    "Esta cobrança não pode ser antecipada: somente cobranças por cartão confirmadas ou boletos pendentes a vencer, ainda não antecipados."
#define AM_TXT_ANTICIPATION_CANCEL "Somente antecipações pendentes podem ser canceladas."
#define AM_TXT_ANTICIPATION_DENIED_LIMIT "Limite de antecipação insuficiente."
#define AM_TXT_ANTICIPATION_DENIED_PAID "A cobrança não está mais disponível para antecipação."
#define AM_ERR_ANTICIPATION_CONFIG "invalid_creditCardAutomaticEnabled"
#define AM_TXT_ANTICIPATION_CONFIG "O campo creditCardAutomaticEnabled deve ser booleano."
#define AM_ERR_ANTICIPATION_STATUS "invalid_status"
#define AM_TXT_ANTICIPATION_LEDGER "Antecipação de recebível"
#define AM_TXT_ANTICIPATION_LEDGER_FEE "Taxa de antecipação de recebível"
#define AM_TXT_ANTICIPATION_LEDGER_DEBIT "Baixa de antecipação de recebível"
/* Escrow (chosen): a hold debits the payment's net value as PAYMENT_CUSTODY_BLOCK and
 * emits BALANCE_VALUE_BLOCKED (BALANCE_VALUE_UNBLOCKED on release); holds are taken at
 * the account's next money-out request or daily job after the payment is received;
 * daysToExpire 1..365; a payment may be finished by its escrow id or its payment id. */
#define AM_ESCROW_DAYS_MAX 365
#define AM_ERR_ESCROW_DAYS "invalid_daysToExpire"
#define AM_TXT_ESCROW_DAYS "O campo daysToExpire deve ser informado entre 1 e 365."
#define AM_ERR_ESCROW_BOOL "invalid_object"
#define AM_TXT_ESCROW_BOOL "Os campos enabled e isFeePayer devem ser booleanos."
#define AM_ERR_ESCROW_FINISH "invalid_action"
#define AM_TXT_ESCROW_FINISH "Esta garantia já foi finalizada."
#define AM_TXT_ESCROW_LEDGER "Bloqueio de saldo em garantia (Conta Escrow)"
#define AM_TXT_ESCROW_LEDGER_BACK "Liberação de saldo em garantia (Conta Escrow)"
/* ---- end area moneyout ---- */

/* ---- area payrest ---- */
/* Notifications (§5.1). UNCONFIRMED choices:
 * - the default set of a new customer: PAYMENT_CREATED 0, PAYMENT_UPDATED 0,
 *   PAYMENT_DUEDATE_WARNING 10 and 0, SEND_LINHA_DIGITAVEL 0, PAYMENT_OVERDUE 0 and 7,
 *   PAYMENT_RECEIVED 0 (8 notifications, e-mail and SMS to the customer on, to the
 *   provider only for OVERDUE and RECEIVED; phone call and WhatsApp off);
 * - scheduleOffset may change only on PAYMENT_DUEDATE_WARNING (0, 5, 10, 15, 30) and
 *   PAYMENT_OVERDUE (1, 7, 15, 30, as the spec's note lists); sending a notification's
 *   current offset again is accepted on every event;
 * - a batch refuses (changing nothing) a notification of another customer. */
#define AM_ERR_NOTIF_OFFSET "invalid_scheduleOffset"
#define AM_TXT_NOTIF_OFFSET_WARNING                                                               \
    "O scheduleOffset informado é inválido. Para PAYMENT_DUEDATE_WARNING utilize 0, 5, 10, 15 "  \
    "ou 30."
#define AM_TXT_NOTIF_OFFSET_OVERDUE                                                               \
    "O scheduleOffset informado é inválido. Para PAYMENT_OVERDUE utilize 1, 7, 15 ou 30."
#define AM_TXT_NOTIF_OFFSET_FIXED "O scheduleOffset não pode ser alterado para este evento."
#define AM_ERR_NOTIF_CUSTOMER "invalid_customer"
#define AM_TXT_NOTIF_CUSTOMER "O campo customer deve ser informado."
#define AM_ERR_NOTIF_LIST "invalid_notifications"
#define AM_TXT_NOTIF_LIST "Informe ao menos uma notificação."
#define AM_TXT_NOTIF_LIST_MAX "Informe no máximo 50 notificações."
#define AM_NOTIF_BATCH_MAX 50
#define AM_ERR_NOTIF_ID "invalid_notification"
#define AM_TXT_NOTIF_ID "Informe o id de cada notificação."
#define AM_TXT_NOTIF_OTHER_FMT "A notificação %s não pertence ao cliente informado."
/* payWithCard (PaymentPayWithCardRequestDTO). UNCONFIRMED: cardType VOUCHER is charged as
 * CREDIT; the holder's addressNumber and phone (required on payWithCreditCard, not here)
 * may be left out. */
#define AM_ERR_CARD_TYPE "invalid_cardType"
#define AM_TXT_CARD_TYPE "O tipo do cartão (cardType) deve ser CREDIT ou VOUCHER."
/* bankSlip/refund. UNCONFIRMED: only a paid boleto (RECEIVED or CONFIRMED, also
 * UNDEFINED paid by boleto) gets the link; asking again gives the same link; the
 * charge keeps its status until the payer sends bank details (never, in the mock). */
#define AM_TXT_BANK_SLIP_REFUND_TYPE "Somente cobranças pagas por boleto podem ser estornadas por este link."
#define AM_BANK_SLIP_REFUND_URL "https://sandbox.asaas.com/solicitar-estorno/"
/* Payment documents. UNCONFIRMED: at most AM_PAYMENT_DOCUMENTS_MAX per payment and
 * AM_PAYMENT_DOCUMENT_MAX_BYTES per file (also bounded by --max-body); the upload is
 * validated in the order type, availableAfterPayment, file; preview and download URLs
 * below. */
#define AM_PAYMENT_DOCUMENTS_MAX 20
#define AM_PAYMENT_DOCUMENT_MAX_BYTES (5 * 1024 * 1024)
#define AM_PAYMENT_DOCUMENT_URL "https://sandbox.asaas.com/downloadPaymentDocument/"
#define AM_TXT_MULTIPART "Envie os dados como multipart/form-data."
#define AM_ERR_DOC_TYPE "invalid_type"
#define AM_TXT_DOC_TYPE "O tipo do documento deve ser INVOICE, CONTRACT, MEDIA, DOCUMENT, SPREADSHEET, PROGRAM ou OTHER."
#define AM_ERR_DOC_AVAILABLE "invalid_availableAfterPayment"
#define AM_TXT_DOC_AVAILABLE "O campo availableAfterPayment deve ser informado."
#define AM_ERR_DOC_FILE "invalid_file"
#define AM_TXT_DOC_FILE "O arquivo deve ser informado."
#define AM_TXT_DOC_FILE_SIZE "O arquivo excede o tamanho máximo de 5 MB."
#define AM_TXT_DOC_FILE_NAME "O nome do arquivo é inválido."
#define AM_TXT_DOC_MAX "O limite de 20 documentos por cobrança foi atingido."
/* Pre-authorization config: the range and text are the spec's; UNCONFIRMED: the default
 * before any POST (7 days), the code/text when daysToExpire is missing, and what expiry
 * does: an AUTHORIZED charge created daysToExpire days ago or more and not captured
 * becomes REFUNDED (PAYMENT_REFUNDED, no ledger line) at that day's jobs. */
#define AM_PREAUTH_DAYS_DEFAULT 7
#define AM_PREAUTH_DAYS_MIN 3
#define AM_PREAUTH_DAYS_MAX 25
#define AM_TXT_PREAUTH_RANGE "O prazo de cobranças com pré-autorização deve estar dentro do intervalo de 3 a 25 dias."
#define AM_ERR_PREAUTH_MISSING "invalid_daysToExpire"
#define AM_TXT_PREAUTH_MISSING "O campo daysToExpire deve ser informado."
/* Payment books. UNCONFIRMED: a card installment has no book (400 invalid_action);
 * the slips are sorted by dueDate (sort=dueDate, the only key read), order=asc by
 * default; a subscription's book holds its charges generated so far, up to the end of
 * month/year when both are given; deleted charges are left out. */
#define AM_TXT_PAYBOOK_CARD "Não é possível gerar carnê para cobranças de cartão de crédito."
#define AM_TXT_PAYBOOK_EMPTY "Não há cobranças para gerar o carnê."
#define AM_ERR_PAYBOOK_QUERY "invalid_object"
#define AM_TXT_PAYBOOK_QUERY "Os parâmetros month, year, sort ou order são inválidos."
/* Subscription card change. UNCONFIRMED: refused (invalid_action) for a subscription that
 * is not CREDIT_CARD or is deleted; its PENDING/OVERDUE charges take the new card;
 * SUBSCRIPTION_UPDATED is emitted. */
#define AM_TXT_SUB_CARD_TYPE "Só é possível alterar o cartão de assinaturas por cartão de crédito."
/* Subscription invoice settings. UNCONFIRMED: one configuration per subscription (a
 * second POST is refused); municipalServiceId or municipalServiceCode is required;
 * daysBeforeDueDate one of 5, 10, 15, 30, 60 and required with
 * BEFORE_PAYMENT_DUE_DATE; tax rates 0..100; the invoices themselves are the links
 * area's (records collection "invoices"); /subscriptions/{id}/invoices lists those of
 * the subscription's charges. */
#define AM_ERR_INV_SETTINGS "invalid_action"
#define AM_TXT_INV_SETTINGS_EXISTS "Esta assinatura já possui configuração de emissão de notas fiscais."
#define AM_ERR_INV_TAXES "invalid_taxes"
#define AM_TXT_INV_TAXES "Informe os impostos (taxes) da nota fiscal."
#define AM_TXT_INV_TAX_FMT "O campo taxes.%s deve ser informado com um valor entre 0 e 100."
#define AM_ERR_INV_SERVICE "invalid_municipalService"
#define AM_TXT_INV_SERVICE "Informe o serviço municipal (municipalServiceId ou municipalServiceCode)."
#define AM_ERR_INV_PERIOD "invalid_effectiveDatePeriod"
#define AM_TXT_INV_PERIOD "O período de emissão (effectiveDatePeriod) informado é inválido."
#define AM_ERR_INV_DAYS "invalid_daysBeforeDueDate"
#define AM_TXT_INV_DAYS "Os dias de antecedência devem ser 5, 10, 15, 30 ou 60."
#define AM_ERR_INV_DEDUCTIONS "invalid_deductions"
#define AM_TXT_INV_DEDUCTIONS "O valor das deduções não pode ser negativo."
/* Installment splits. UNCONFIRMED: stored per installment and answered with status
 * PENDING; walletId must name another account of the mock; exactly one of fixedValue,
 * percentualValue, totalFixedValue; percentages 0 < p <= 100; installmentNumber within
 * the installment's count and not beside totalFixedValue. Settling them at receipt is
 * the splits area's (accounts). */
#define AM_ERR_SPLIT "invalid_split"
#define AM_TXT_SPLIT_LIST "Informe ao menos um split."
#define AM_TXT_SPLIT_OWN_WALLET "Não é possível fazer split para a sua própria carteira."
#define AM_TXT_SPLIT_PERCENT "O percentualValue deve ser maior que 0 e no máximo 100."
#define AM_TXT_SPLIT_NUMBER "O installmentNumber informado é inválido."
/* Chargebacks. UNCONFIRMED (no sandbox action exists; the mock's is
 * POST /v3/sandbox/payment/{id}/chargeback {reason?, disputeResult?}):
 * - only a CONFIRMED or RECEIVED card charge; reason defaults to
 *   AM_CHARGEBACK_DEFAULT_REASON; disputeResult (ACCEPTED, the default, or REJECTED) is
 *   what a dispute will come to;
 * - a received charge gives back its value less refunds at once (ledger CHARGEBACK; the
 *   fee is not returned); a confirmed one is simply not settled;
 * - documents may be sent until deadlineToSendDisputeDocuments (AM_CHARGEBACK_DEADLINE_DAYS
 *   after the chargeback); then, undisputed, it becomes DONE;
 * - a dispute (1..11 files: pdf, jpg, jpeg, doc or docx; the spec's example refuses png)
 *   is decided AM_CHARGEBACK_DECISION_DAYS after it started: ACCEPTED -> REVERSED and the
 *   charge AWAITING_CHARGEBACK_REVERSAL, credited back (CHARGEBACK_REVERSAL) and RECEIVED
 *   (PAYMENT_RECEIVED; CONFIRMED with PAYMENT_CONFIRMED if never credited) the next day;
 *   REJECTED -> DISPUTE_LOST, the charge stays CHARGEBACK_DISPUTE. */
#define AM_CHARGEBACK_DEFAULT_REASON "ABSENT_CARD_FRAUD"
#define AM_CHARGEBACK_DEADLINE_DAYS 10
#define AM_CHARGEBACK_DECISION_DAYS 5
#define AM_CHARGEBACK_FILES_MAX 11
#define AM_TXT_CHARGEBACK_NOT_CARD "Somente cobranças de cartão confirmadas ou recebidas podem receber chargeback."
#define AM_ERR_CHARGEBACK_REASON "invalid_reason"
#define AM_TXT_CHARGEBACK_REASON "O motivo (reason) do chargeback é inválido."
#define AM_ERR_CHARGEBACK_RESULT "invalid_disputeResult"
#define AM_TXT_CHARGEBACK_RESULT "O disputeResult deve ser ACCEPTED ou REJECTED."
#define AM_TXT_CHARGEBACK_NO_DISPUTE "Não é possível contestar este chargeback."
#define AM_TXT_CHARGEBACK_FILES "Envie entre 1 e 11 arquivos (files) para a contestação."
#define AM_ERR_CHARGEBACK_FILE "invalid_object"
#define AM_TXT_CHARGEBACK_EXT_FMT "A extensão do arquivo '%s' é inválida."
#define AM_ERR_CHARGEBACK_FILTER "invalid_object"
#define AM_TXT_CHARGEBACK_FILTER "Um filtro da listagem de chargebacks é inválido."
/* Credit bureau reports. UNCONFIRMED: customer or cpfCnpj required (cpfCnpj defaults to
 * the customer's); the fee of asaas-v3-schemas' fees (R$ 16,99) is debited
 * (CREDIT_BUREAU_REPORT) even when the balance goes negative; the report is a PDF whose
 * score and restrictions are derived from the document number (same document, same
 * report); reportFile only in the creation answer; downloadUrl below. */
#define AM_CREDIT_BUREAU_FEE_CENTS 1699
#define AM_CREDIT_BUREAU_URL "https://sandbox.asaas.com/creditBureauReport/download/"
#define AM_ERR_BUREAU_CUSTOMER "invalid_customer"
#define AM_TXT_BUREAU_MISSING "Informe o cliente (customer) ou o CPF/CNPJ a consultar."
#define AM_ERR_BUREAU_DOC "invalid_cpfCnpj"
#define AM_TXT_BUREAU_FILTER "As datas startDate e endDate devem estar no formato AAAA-MM-DD."

#endif
